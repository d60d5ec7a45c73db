"""Landing page and the console shell (login, logout, home)."""

from django.urls import URLPattern

public_patterns: list[URLPattern] = []
console_patterns: list[URLPattern] = []
