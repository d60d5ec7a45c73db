"""Console pages of the notify app."""

from django.urls import URLPattern, path

from telcodesk.notify import views

console_patterns: list[URLPattern] = [
    path("messages/failures/", views.failures_page, name="notify_failures"),
    path("messages/<int:pk>/resend/", views.resend, name="notify_resend"),
    path("messages/templates/", views.templates_page, name="notify_templates"),
    path("messages/templates/<str:kind>/<str:language>/", views.template_edit,
         name="notify_template_edit"),
]
