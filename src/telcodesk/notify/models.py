"""Templates, the outbox, SMS-centre message ids, delivery receipts, marketing consent.

The outbox is the one road for every SMS: a row is written in the caller's
transaction (``services.do_notify``) and delivered after commit by the
dispatcher (``dispatcher.py``). See ``docs/notifications.md``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from telcodesk.core.models import Channel
from telcodesk.notify.kinds import CATEGORY_LABELS, kind_choices
from telcodesk.notify.reasons import Reason
from telcodesk.notify.reasons import explain as explain_reason


class MessageTemplate(models.Model):
    """An administrator's template for one kind and language; overrides the shipped one."""

    kind = models.CharField(_("kind"), max_length=40, choices=kind_choices())
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    body = models.TextField(_("template"))
    updated_at = models.DateTimeField(_("updated"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("updated by"))

    class Meta:
        ordering = ["kind", "language"]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        constraints = [models.UniqueConstraint(fields=["kind", "language"],
                                               name="notify_template_kind_language_unique")]

    def __str__(self) -> str:
        return f"{self.kind} ({self.language})"


class State(models.TextChoices):
    QUEUED = "queued", _("Queued")
    HELD = "held", _("Held (quiet hours)")
    SENDING = "sending", _("Sending")
    SUBMITTED = "submitted", _("Submitted")
    DELIVERED = "delivered", _("Delivered")
    UNDELIVERABLE = "undeliverable", _("Undeliverable")
    EXPIRED = "expired", _("Expired")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


# States a message can still leave by itself; the rest are final.
PENDING_STATES = (State.QUEUED, State.HELD, State.SENDING, State.SUBMITTED)
FAILURE_STATES = (State.FAILED, State.UNDELIVERABLE, State.EXPIRED)
FINAL_STATES = (State.DELIVERED, *FAILURE_STATES, State.CANCELLED)


class OutboxMessage(models.Model):
    """One SMS to one number, from its creation to its final delivery state.

    ``queued``/``held`` rows are claimed by a dispatcher when ``next_attempt_at``
    has passed; a claimed row is ``sending`` with a lease (``lease_owner``,
    ``lease_until``). A ``sending`` row whose lease ran out (its worker died) is
    claimable again.
    """

    dedupe_key = models.CharField(_("dedupe key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=40, choices=kind_choices())
    category = models.CharField(_("category"), max_length=12,
                                choices=[(k, v) for k, v in CATEGORY_LABELS.items()])
    recipient = models.CharField(_("recipient"), max_length=20)  # E.164
    customer = models.ForeignKey("customers.Customer", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+", verbose_name=_("customer"))
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+", verbose_name=_("staff member"))
    language = models.CharField(_("language"), max_length=10)
    sender = models.CharField(_("sender"), max_length=21)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    encoding = models.CharField(_("encoding"), max_length=5)
    segments = models.PositiveSmallIntegerField(_("segments"))
    state = models.CharField(_("state"), max_length=14, choices=State.choices,
                             default=State.QUEUED)
    state_reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"))
    # Earliest send time: a scheduled send time or the end of quiet hours.
    not_before = models.DateTimeField(_("not before"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    resends = models.PositiveSmallIntegerField(_("resends"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    lease_owner = models.CharField(_("claimed by"), max_length=100, blank=True)
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=15, choices=Channel.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("created by"))
    # A TMF681 communicationMessage with several receivers: the first row leads,
    # the others are its parts.
    part_of = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True,
                                related_name="parts", verbose_name=_("part of"))
    description = models.CharField(_("description"), max_length=300, blank=True)
    # Deleted through the TMF681 API (``DELETE /communicationMessage/{id}``): gone from
    # the API, kept here (and on the console's outbox pages) for the audit.
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="notify_outbox_claim_idx"),
            models.Index(fields=["customer", "created_at"], name="notify_outbox_customer_idx"),
            models.Index(fields=["state", "finished_at"], name="notify_outbox_final_idx"),
            models.Index(fields=["state", "submitted_at"], name="notify_outbox_submitted_idx"),
            models.Index(fields=["recipient", "created_at"], name="notify_outbox_recipient_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.state}"

    @property
    def is_failure(self) -> bool:
        return self.state in FAILURE_STATES

    @property
    def reason_shown(self) -> Reason:
        """The state's reason in the reader's language, the SMPP code apart (``reasons``)."""
        return explain_reason(self.state_reason)

    @property
    def state_badge(self) -> str:
        """The console's badge class for the state (green delivered, amber waiting...)."""
        return _BADGES.get(self.state, "status-pending")


_BADGES: dict[str, str] = {
    State.DELIVERED: "status-active",
    State.HELD: "status-suspended",
    State.FAILED: "status-failed",
    State.UNDELIVERABLE: "status-failed",
    State.EXPIRED: "status-failed",
    State.CANCELLED: "status-closed",
}


class SmscMessageId(models.Model):
    """An id the SMS centre gave one segment of a message; receipts are matched on it."""

    outbox = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="smsc_ids",
                               verbose_name=_("message"))
    transport = models.CharField(_("transport"), max_length=40)
    message_id = models.CharField(_("SMS-centre message id"), max_length=100)
    segment = models.PositiveSmallIntegerField(_("segment"), default=1)
    # The receipt's state for this segment ("" until one arrives).
    receipt_state = models.CharField(_("receipt"), max_length=14, blank=True)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("SMS-centre message id")
        verbose_name_plural = _("SMS-centre message ids")
        indexes = [models.Index(fields=["message_id", "transport"], name="notify_smscid_idx")]

    def __str__(self) -> str:
        return f"{self.transport}:{self.message_id}"


class DeliveryReceipt(models.Model):
    """A delivery receipt as received, matched to its message or not."""

    received_at = models.DateTimeField(_("received"), db_index=True)
    transport = models.CharField(_("transport"), max_length=40)
    message_id = models.CharField(_("SMS-centre message id"), max_length=100)
    state = models.CharField(_("state"), max_length=14)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    error_code = models.CharField(_("error code"), max_length=20, blank=True)
    raw = models.JSONField(_("raw"), default=dict, blank=True)
    outbox = models.ForeignKey(OutboxMessage, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="receipts", verbose_name=_("message"))

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("delivery receipt")
        verbose_name_plural = _("delivery receipts")
        indexes = [models.Index(fields=["outbox", "received_at"],
                                name="notify_receipt_unmatched_idx")]

    def __str__(self) -> str:
        return f"{self.transport}:{self.message_id} {self.state}"


class MarketingConsent(models.Model):
    """Whether a number may receive commercial SMS (consented and not opted out since)."""

    number = models.CharField(_("number"), max_length=20, unique=True)  # E.164
    customer = models.ForeignKey("customers.Customer", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+", verbose_name=_("customer"))
    consented_at = models.DateTimeField(_("consented"), null=True, blank=True)
    opted_out_at = models.DateTimeField(_("opted out"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        ordering = ["number"]
        verbose_name = _("marketing consent")
        verbose_name_plural = _("marketing consents")

    def __str__(self) -> str:
        return self.number

    @property
    def is_consenting(self) -> bool:
        if self.consented_at is None:
            return False
        return self.opted_out_at is None or self.opted_out_at < self.consented_at
