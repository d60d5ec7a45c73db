"""Public pages of the quality app, included under ``/standards/`` by the root URL map."""

from django.urls import URLPattern, path

from telcodesk.quality import views

urlpatterns: list[URLPattern] = [
    path("", views.standards, name="standards"),
]
