"""Console pages of the customers app."""

from django.urls import URLPattern

console_patterns: list[URLPattern] = []
