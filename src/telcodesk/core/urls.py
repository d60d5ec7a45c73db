"""Console pages of the core app (API tokens, working calendar)."""

from django.urls import URLPattern, path

from telcodesk.core import views

console_patterns: list[URLPattern] = [
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/notices/new/", views.calendar_notice_add,
         name="calendar_notice_add"),
    path("calendar/days/set/", views.calendar_day_set, name="calendar_day_set"),
    path("calendar/days/remove/", views.calendar_day_remove,
         name="calendar_day_remove"),
]
