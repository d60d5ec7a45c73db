"""Console pages of the customers app."""

from django.urls import URLPattern, path

from telcodesk.customers import views

console_patterns: list[URLPattern] = [
    path("customers/", views.customer_list, name="customers"),
    path("customers/<str:code>/", views.customer_page, name="customer"),
]
