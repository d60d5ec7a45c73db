"""Hotline pages: calls (contacts), figures, IVR tree, skill groups, queue mapping."""

from django.urls import URLPattern, URLResolver, path

from telcodesk.care.views import hotline, ivr

console_patterns: list[URLPattern | URLResolver] = [
    path("calls/", hotline.call_list, name="calls"),
    path("calls/<int:pk>/", hotline.call_page, name="call"),
    path("hotline/figures/", hotline.hotline_stats, name="hotline_stats"),
    path("hotline/ivr/", ivr.ivr_page, name="ivr"),
    path("hotline/ivr/edit/", ivr.ivr_edit, name="ivr_edit"),
    path("hotline/skill-groups/new/", ivr.skill_group_new, name="skill_group_new"),
    path("hotline/skill-groups/<slug:code>/", ivr.skill_group_edit, name="skill_group_edit"),
    path("hotline/queues/", ivr.queue_list, name="queues"),
]
