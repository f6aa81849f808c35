from django.urls import URLPattern, URLResolver, path

from cryptodesk.complaints import views

app_name = "complaints"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.queue, name="queue"),
    path("t/<int:number>/record/", views.record, name="record"),
    path("t/<int:number>/remedies/", views.propose, name="propose"),
    path("t/<int:number>/remedies/<int:remedy_id>/decide/", views.decide, name="decide"),
    path("f/<str:token>/", views.follow_up, name="follow_up"),
]
