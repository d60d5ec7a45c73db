"""Template filters of the hotline pages: ``{% load care_hotline %}``.

- ``{{ row.timeliness_rate|rate }}``: ``0.9041`` → ``90.4%``; ``None`` → "no calls"
  (a rate without calls is never shown as 0 %).
- ``{{ row.avg_answer_seconds|seconds }}``: ``7.25`` → ``7.3 s``; ``None`` → "–".
- ``{{ group|group_name }}``, ``{{ row|figure_group }}``: a skill group's name in the
  page's language.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def rate(value: float | None) -> str:
    if value is None:
        return _("no calls")
    return f"{value * 100:.1f}%"


@register.filter
def seconds(value: float | int | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, int) or float(value).is_integer():
        return _("%(n)d s") % {"n": int(value)}
    return _("%(n)s s") % {"n": f"{value:.1f}"}


@register.filter
def group_name(group: Any) -> str:
    if group is None:
        return ""
    return str(group.display_name(get_language() or ""))


@register.filter
def figure_group(row: Any) -> str:
    """The skill group of a figures row, or "Queues not mapped to a group"."""
    if row.group_code is None:
        return _("Queues not mapped to a group")
    return str(row.group_name(get_language() or "") or row.group_code)
