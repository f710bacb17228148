"""The workspace's addresses: the JSON API under ``/api/``, the pages, the admin."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from parindex.web import views
from parindex.web.api import api
from parindex.web.health import healthz

urlpatterns = [
    path("api/", api.urls),
    path("login/", views.login_page, name="login"),
    path("logout/", views.logout_page, name="logout"),
    path("files/<int:doc_id>/", views.download, name="download"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", views.home, name="home"),
    path("", include("parindex.web.pages")),
]
