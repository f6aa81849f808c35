from functools import partial

from django.contrib.sitemaps.views import sitemap
from django.urls import URLPattern, URLResolver, path

from cryptodesk.kb import public_views as views

app_name = "help"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.root, name="root"),
    path(
        "sitemap.xml",
        partial(sitemap, sitemaps=views.SITEMAPS, template_name="kb/help/sitemap.xml"),
        name="sitemap",
    ),
    path("suggest/", views.suggest, name="suggest"),
    path("files/<int:pk>/<str:name>", views.attachment, name="attachment"),
    path("<str:lang>/", views.home, name="home"),
    path("<str:lang>/search/", views.search, name="search"),
    path("<str:lang>/categories/<slug:slug>/", views.category, name="category"),
    path("<str:lang>/articles/<slug:slug>/", views.article, name="article"),
    path("<str:lang>/articles/<slug:slug>/vote/", views.vote, name="vote"),
]
