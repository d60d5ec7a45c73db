"""Complaint pages for staff, and the subscriber's survey answer page."""

from django.urls import URLPattern, URLResolver, path

from telcodesk.care.views import complaints as views
from telcodesk.care.views import surveys as survey_views

# Joined under ``/console/`` (namespace ``console``) by the root URL map.
console_patterns: list[URLPattern | URLResolver] = [
    path("complaints/", views.complaint_queue, name="complaints"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/new/customers/", views.complaint_customer_lookup,
         name="complaint_customer_lookup"),
    path("complaints/<str:code>/", views.complaint_page, name="complaint"),
    path("complaints/<str:code>/dossier.pdf", views.complaint_pdf, name="complaint_pdf"),
    path("complaints/<str:code>/note/", views.complaint_note, name="complaint_note"),
    path("complaints/<str:code>/transfer/", views.complaint_transfer,
         name="complaint_transfer"),
    path("complaints/<str:code>/reassign/", views.complaint_reassign,
         name="complaint_reassign"),
    path("complaints/<str:code>/reply/", views.complaint_reply, name="complaint_reply"),
    path("complaints/<str:code>/close/", views.complaint_close, name="complaint_close"),
    path("complaints/<str:code>/survey/", views.complaint_survey, name="complaint_survey"),
    path("complaints/<str:code>/appeal/", views.complaint_appeal, name="complaint_appeal"),
]
# Joined under ``/my/`` (namespace ``my``): the subscriber's pages.
public_patterns: list[URLPattern | URLResolver] = [
    path("survey/<str:token>/", survey_views.survey_page, name="survey"),
]
