"""Pages of the care domain: the console pages (joined under ``/console/``, namespace
``console``, by the root URL map) and the subscriber's pages (under ``/my/``,
namespace ``my``)."""

from django.urls import URLPattern, URLResolver, path

from telcodesk.care.views import calls, complaints, hotline_stats, ivr, surveys

console_patterns: list[URLPattern | URLResolver] = [
    # the hotline: calls (contacts), figures, IVR tree, skill groups, queue mapping
    path("calls/", calls.call_list, name="calls"),
    path("calls/<int:pk>/", calls.call_page, name="call"),
    path("hotline/figures/", hotline_stats.hotline_stats, name="hotline_stats"),
    path("hotline/ivr/", ivr.ivr_page, name="ivr"),
    path("hotline/ivr/edit/", ivr.ivr_edit, name="ivr_edit"),
    path("hotline/skill-groups/new/", ivr.skill_group_new, name="skill_group_new"),
    path("hotline/skill-groups/<slug:code>/", ivr.skill_group_edit, name="skill_group_edit"),
    path("hotline/queues/", ivr.queue_list, name="queues"),
    # complaints
    path("complaints/", complaints.complaint_queue, name="complaints"),
    path("complaints/new/", complaints.complaint_new, name="complaint_new"),
    path("complaints/new/customers/", complaints.complaint_customer_lookup,
         name="complaint_customer_lookup"),
    path("complaints/<str:code>/", complaints.complaint_page, name="complaint"),
    path("complaints/<str:code>/dossier.pdf", complaints.complaint_pdf, name="complaint_pdf"),
    path("complaints/<str:code>/note/", complaints.complaint_note, name="complaint_note"),
    path("complaints/<str:code>/transfer/", complaints.complaint_transfer,
         name="complaint_transfer"),
    path("complaints/<str:code>/reassign/", complaints.complaint_reassign,
         name="complaint_reassign"),
    path("complaints/<str:code>/reply/", complaints.complaint_reply, name="complaint_reply"),
    path("complaints/<str:code>/close/", complaints.complaint_close, name="complaint_close"),
    path("complaints/<str:code>/survey/", complaints.complaint_survey, name="complaint_survey"),
    path("complaints/<str:code>/appeal/", complaints.complaint_appeal, name="complaint_appeal"),
]
# The subscriber's pages.
public_patterns: list[URLPattern | URLResolver] = [
    path("survey/<str:token>/", surveys.survey_page, name="survey"),
]
