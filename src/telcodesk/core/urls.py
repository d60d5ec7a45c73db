"""Console pages of the core app (API tokens, working calendar)."""

from django.urls import URLPattern

console_patterns: list[URLPattern] = []
