"""Interactions recorded through TMF683 ``POST /partyInteraction``: a visit, a chat,
an e-mail, a call taken outside the hotline's logs.

They are listed with the hotline calls under ``/partyInteraction`` but are no
hotline calls: the hotline figures and the regulator report count the
call-centre logs only, so an integrator's record never changes them. Each one
belongs to a branch (its customer's, or the recording staff member's).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["INTERACTION_CODE_PREFIX", "InteractionChannel", "InteractionDirection",
           "InteractionStatus", "PartyInteraction"]

INTERACTION_CODE_PREFIX = "PI"


class InteractionChannel(models.TextChoices):
    CALL = "call", _("Telephone call")
    VISIT = "visit", _("Visit")
    CHAT = "chat", _("Online chat")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    LETTER = "letter", _("Letter")


class InteractionDirection(models.TextChoices):
    INBOUND = "inbound", _("From the customer")
    OUTBOUND = "outbound", _("To the customer")


class InteractionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "inProgress", _("In progress")
    COMPLETED = "completed", _("Completed")


class PartyInteraction(models.Model):
    """One interaction with a party recorded by an integrator or a staff member."""

    code = models.CharField(_("interaction number"), max_length=20, unique=True)
    channel = models.CharField(_("channel"), max_length=10, choices=InteractionChannel.choices)
    direction = models.CharField(_("direction"), max_length=10,
                                 choices=InteractionDirection.choices)
    status = models.CharField(_("status"), max_length=12, choices=InteractionStatus.choices)
    reason = models.CharField(_("reason"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+", verbose_name=_("customer"))
    org_unit = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("branch"))
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    # [{"text": ..., "author": ..., "date": RFC 3339}], as received.
    notes = models.JSONField(_("notes"), default=list, blank=True)
    created_at = models.DateTimeField(_("recorded"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("recorded by"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("recorded interaction")
        verbose_name_plural = _("recorded interactions")
        indexes = [models.Index(fields=["created_at"], name="party_interaction_created_idx")]

    def __str__(self) -> str:
        return self.code
