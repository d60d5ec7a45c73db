"""Choices shared by the care forms (private to this package)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from telcodesk.care.models import SkillGroup

ANY = [("", _("Any"))]
UNMAPPED = "-"


def group_choices(*, with_unmapped: bool = False) -> list[tuple[str, Any]]:
    choices: list[tuple[str, Any]] = [
        (code, f"{name_zh} ({code})")
        for code, name_zh in SkillGroup.objects.order_by("position", "code")
        .values_list("code", "name_zh")]
    if with_unmapped:
        choices.append((UNMAPPED, _("Queues not mapped to a group")))
    return choices
