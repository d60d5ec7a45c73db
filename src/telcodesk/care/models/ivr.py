"""The hotline's routing as data: skill groups, the queue names each group uses on
the telephone system, and the IVR menu tree (key -> submenu or skill group).

Validation of a whole tree (a key used twice under one menu, a node no key leads
to, a menu without keys) lives in ``care.services.ivr``; the constraints here
only keep single rows sane.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SkillGroup(models.Model):
    """Agents trained for one kind of call (mobile service, broadband repair, VIP …)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=80)
    # Answered within this many seconds counts as timely (应答及时率); STANDARDS.md: 15 s.
    service_level_seconds = models.PositiveSmallIntegerField(
        _("answered within (seconds)"), default=15)
    position = models.PositiveSmallIntegerField(pgettext_lazy("sort position", "order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("skill group")
        verbose_name_plural = _("skill groups")
        constraints = [models.CheckConstraint(condition=models.Q(service_level_seconds__gt=0),
                                              name="skill_group_threshold_positive")]

    def __str__(self) -> str:
        return self.name_zh

    def display_name(self, language: str) -> str:
        return self.name_en if language.startswith("en") else self.name_zh


class HotlineQueue(models.Model):
    """A queue name as it appears in the telephone system's logs.

    An imported log may name a queue nobody configured: it is recorded here with
    no skill group (``skill_group`` null) so an administrator can see it and map
    it; its calls count for the queue at once and for the group once mapped.
    """

    name = models.CharField(_("queue name"), max_length=80, unique=True)
    skill_group = models.ForeignKey(SkillGroup, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="queues",
                                    verbose_name=_("skill group"))
    first_seen_at = models.DateTimeField(_("first seen in a log"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("hotline queue")
        verbose_name_plural = _("hotline queues")

    def __str__(self) -> str:
        return self.name


class IvrAction(models.TextChoices):
    MENU = "menu", _("Submenu")
    GROUP = "group", _("Skill group")


class IvrNode(models.Model):
    """One node of the IVR menu tree. The root has no parent and no key."""

    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="children", verbose_name=_("parent menu"))
    key = models.CharField(_("key"), max_length=1, blank=True)  # 0-9, * or #
    action = models.CharField(_("action"), max_length=5, choices=IvrAction.choices)
    prompt_zh = models.CharField(_("prompt (Chinese)"), max_length=300)
    prompt_en = models.CharField(_("prompt (English)"), max_length=300)
    skill_group = models.ForeignKey(SkillGroup, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="ivr_nodes",
                                    verbose_name=_("skill group"))

    class Meta:
        ordering = ["parent_id", "key"]
        verbose_name = _("IVR menu node")
        verbose_name_plural = _("IVR menu nodes")
        constraints = [
            models.UniqueConstraint(fields=["parent", "key"], name="ivr_key_once_per_menu"),
            models.CheckConstraint(
                condition=(models.Q(action="group", skill_group__isnull=False)
                           | models.Q(action="menu", skill_group__isnull=True)),
                name="ivr_group_nodes_name_a_group"),
        ]

    def __str__(self) -> str:
        return f"{self.key or 'root'}: {self.prompt_zh[:30]}"
