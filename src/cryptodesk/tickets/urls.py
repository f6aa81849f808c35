from django.urls import path

from cryptodesk.tickets import views

app_name = "tickets"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:number>/", views.ticket_detail, name="detail"),
    path("<int:number>/live/", views.ticket_live, name="live"),
    path("<int:number>/reply/", views.ticket_reply, name="reply"),
    path("<int:number>/update/", views.ticket_update, name="update"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
]
