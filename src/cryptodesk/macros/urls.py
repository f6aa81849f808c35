from django.urls import URLPattern, URLResolver, path

from cryptodesk.macros import views

app_name = "macros"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.macro_list, name="list"),
    path("new/", views.macro_edit, name="new"),
    path("<int:pk>/", views.macro_edit, name="edit"),
    path("<int:pk>/delete/", views.macro_delete, name="delete"),
    path("picker/<int:number>/", views.picker, name="picker"),
    path("<int:pk>/use/<int:number>/", views.use, name="use"),
]
