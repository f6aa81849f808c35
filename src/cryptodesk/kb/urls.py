from django.urls import URLPattern, URLResolver, path

from cryptodesk.kb import views

app_name = "kb"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.article_list, name="list"),
    path("new/", views.article_new, name="new"),
    path("preview/", views.preview, name="preview"),
    path("analytics/", views.analytics, name="analytics"),
    path("articles/<slug:slug>/", views.article_edit, name="article"),
    path("articles/<slug:slug>/settings/", views.settings_update, name="settings"),
    path("articles/<slug:slug>/upload/", views.upload, name="upload"),
    path("articles/<slug:slug>/<str:lang>/publish/", views.publish, name="publish"),
    path("articles/<slug:slug>/<str:lang>/unpublish/", views.unpublish, name="unpublish"),
    path(
        "articles/<slug:slug>/<str:lang>/versions/<int:number>/",
        views.version_diff,
        name="version",
    ),
    path(
        "articles/<slug:slug>/<str:lang>/versions/<int:number>/restore/",
        views.version_restore,
        name="restore",
    ),
]
