"""Console pages of the care domain (joined under ``/console/`` by the root URL map)
and the subscriber-facing pages (under ``/my/``)."""

from django.urls import URLPattern, URLResolver

from telcodesk.care import urls_complaints, urls_hotline

console_patterns: list[URLPattern | URLResolver] = [
    *urls_hotline.console_patterns,
    *urls_complaints.console_patterns,
]
public_patterns: list[URLPattern | URLResolver] = [*urls_complaints.public_patterns]
