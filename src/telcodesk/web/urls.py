"""Landing page and the console shell (login, logout, home)."""

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, path

from telcodesk.web import views

public_patterns: list[URLPattern] = [
    path("", views.landing, name="landing"),
]

# Included under ``/console/`` with the namespace ``console`` by the root URL map.
console_patterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
