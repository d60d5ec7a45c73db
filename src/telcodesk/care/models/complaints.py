"""Complaints, their timeline and their satisfaction surveys.

First responsibility (``首问负责``): ``owner`` is the staff member who first took
the complaint and stays its owner to the end; ``handler`` is whoever works on it
now (a transfer changes the handler, never the owner). Only a manager changes
the owner, with a reason (``ComplaintEvent`` kind ``reassigned``). The time
limits run on SLA clocks of the orders issue's engine: ``reply_clock`` under the
operator's commitment (standard ``complaint_reply``), ``regulator_clock`` under
the regulator's 15 days (standard ``complaint_regulator``); both stop at the
reply.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

__all__ = ["COMPLAINT_CODE_PREFIX", "SURVEY_CHANNEL_LABELS", "Complaint", "ComplaintCategory",
           "ComplaintChannel",
           "ComplaintEvent", "ComplaintEventKind", "ComplaintState", "Satisfaction",
           "SurveyAnswer", "SurveyAnswerStatus"]

COMPLAINT_CODE_PREFIX = "CP"


class ComplaintChannel(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    SELF_SERVICE = "self_service", _("Self-service hall")
    SMS = "sms", pgettext_lazy("channel", "SMS")
    CHAT = "chat", _("Online chat")
    COUNTER = "counter", _("Walk-in at a counter")
    SUPERVISION_LINE = "supervision_line", _("Quality-supervision line")
    LETTER = "letter", _("Letter")
    REGULATOR = "regulator", _("Transferred by the regulator")


class ComplaintCategory(models.TextChoices):
    BILLING = "billing", _("Billing")
    NETWORK = "network", _("Network quality")
    ATTITUDE = "attitude", _("Service attitude")
    VAS_CHARGES = "vas_charges", _("Value-added service charges")
    SPAM = "spam", _("Spam calls and messages")
    DELAY = "delay", _("Installation or repair delay")
    PACKAGE = "package", _("Package and tariff terms")
    PRIVACY = "privacy", _("Personal information")
    OTHER = "other", _("Other")


class ComplaintState(models.TextChoices):
    OPEN = "open", _("Received")
    IN_PROGRESS = "in_progress", _("In progress")
    REPLIED = "replied", _("Replied")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    FAIRLY_SATISFIED = "fairly_satisfied", _("Fairly satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class Complaint(models.Model):
    code = models.CharField(_("complaint number"), max_length=20, unique=True)
    channel = models.CharField(_("channel"), max_length=20, choices=ComplaintChannel.choices)
    category = models.CharField(_("category"), max_length=20,
                                choices=ComplaintCategory.choices)
    state = models.CharField(_("state"), max_length=12, choices=ComplaintState.choices,
                             default=ComplaintState.OPEN)
    summary = models.CharField(_("summary"), max_length=200)
    details = models.TextField(_("details"), blank=True)
    # Who complained: a customer when known, otherwise the contact number given.
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="complaints",
                                 verbose_name=_("customer"))
    contact_number = models.CharField(_("contact number"), max_length=32, blank=True)
    # What it is about (each optional).
    subscription = models.ForeignKey("customers.Subscription", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="complaints",
                                     verbose_name=_("subscription"))
    order = models.ForeignKey("orders.CustomerOrder", on_delete=models.PROTECT, null=True,
                              blank=True, related_name="complaints", verbose_name=_("order"))
    work_order = models.ForeignKey("orders.WorkOrder", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="complaints",
                                   verbose_name=_("work order"))
    bill_reference = models.CharField(_("bill"), max_length=40, blank=True)
    contact = models.ForeignKey("care.HotlineCall", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="complaints",
                                verbose_name=_("hotline call"))
    # Branch the complaint belongs to (the customer's, else the owner's): scoping.
    org_unit = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("branch"))
    area = models.CharField(_("area"), max_length=5)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="owned_complaints", verbose_name=_("owner"))
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="handled_complaints",
                                verbose_name=_("current handler"))
    received_at = models.DateTimeField(_("received"))
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    reply_text = models.TextField(_("reply"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    reply_clock = models.OneToOneField("sla.SlaClock", on_delete=models.SET_NULL, null=True,
                                       blank=True, related_name="+",
                                       verbose_name=_("reply clock"))
    regulator_clock = models.OneToOneField("sla.SlaClock", on_delete=models.SET_NULL,
                                           null=True, blank=True, related_name="+",
                                           verbose_name=_("regulator clock"))
    repeat_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="repeats", verbose_name=_("repeat of"))
    reopened_count = models.PositiveSmallIntegerField(_("reopened"), default=0)
    regulator_appeal = models.BooleanField(_("appealed to the regulator"), default=False)
    regulator_appeal_at = models.DateTimeField(_("appeal recorded"), null=True, blank=True)
    regulator_reference = models.CharField(_("regulator's reference"), max_length=60,
                                           blank=True)
    survey_sent_at = models.DateTimeField(_("survey sent"), null=True, blank=True)
    # The mobile number the survey SMS went to (replies from it answer the survey).
    survey_number = models.CharField(_("survey sent to"), max_length=32, blank=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=20,
                                    choices=Satisfaction.choices, blank=True)
    satisfaction_at = models.DateTimeField(_("survey answered"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("registered by"))
    updated_at = models.DateTimeField(_("last update"))
    # The complaint's id in the legacy system it was imported from (blank: received here).
    legacy_id = models.CharField(_("legacy complaint id"), max_length=100, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        constraints = [
            models.UniqueConstraint(fields=["legacy_id"], condition=~models.Q(legacy_id=""),
                                    name="complaint_legacy_id_unique"),
        ]
        indexes = [
            models.Index(fields=["state", "org_unit"], name="complaint_state_unit_idx"),
            models.Index(fields=["customer", "category", "received_at"],
                         name="complaint_repeat_idx"),
            models.Index(fields=["contact_number", "category", "received_at"],
                         name="complaint_number_repeat_idx"),
            models.Index(fields=["owner", "state"], name="complaint_owner_idx"),
            models.Index(fields=["replied_at"], name="complaint_replied_idx"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_repeat(self) -> bool:
        return self.repeat_of_id is not None


class ComplaintEventKind(models.TextChoices):
    RECEIVED = "received", _("Received")
    TAKEN = "taken", _("Taken")
    NOTE = "note", _("Note")
    TRANSFERRED = "transferred", _("Transferred")
    REASSIGNED = "reassigned", _("Owner reassigned")
    CONTACTED = "contacted", _("Customer contacted")
    REPLIED = "replied", _("Replied")
    CLOSED = "closed", _("Closed")
    SURVEY_SENT = "survey_sent", _("Survey sent")
    SURVEY_ANSWERED = "survey_answered", _("Survey answered")
    REOPENED = "reopened", _("Reopened")
    APPEALED = "appealed", _("Appealed to the regulator")
    WARNING = "warning", _("Deadline warning")
    BREACHED = "breached", _("Deadline breached")


class ComplaintEvent(models.Model):
    """One entry of a complaint's timeline (append-only)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events",
                                  verbose_name=_("complaint"))
    at = models.DateTimeField(_("at"))
    kind = models.CharField(_("what"), max_length=20, choices=ComplaintEventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+", verbose_name=_("by"))
    # For transfers and reassignments: from whom to whom.
    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+",
                                  verbose_name=_("from"))
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                null=True, blank=True, related_name="+",
                                verbose_name=_("to"))
    text = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind} @ {self.at:%Y-%m-%d %H:%M}"


# The channels a survey answer comes in by, as people read them.
SURVEY_CHANNEL_LABELS = {"sms": pgettext_lazy("channel", "SMS"),
                         "self_service": _("Self-service hall"),
                         "console": _("By phone (recorded in the console)")}


class SurveyAnswerStatus(models.TextChoices):
    ACCEPTED = "accepted", pgettext_lazy("survey answer", "Accepted")
    NOT_UNDERSTOOD = "not_understood", _("Not understood")
    LATE = "late", _("After the survey closed")


class SurveyAnswer(models.Model):
    """Every survey answer received, understood or not (nothing is lost)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE,
                                  related_name="survey_answers", verbose_name=_("complaint"))
    received_at = models.DateTimeField(_("received"))
    channel = models.CharField(_("channel"), max_length=20)  # sms, self_service, console
    raw_text = models.CharField(_("text as received"), max_length=500)
    value = models.CharField(_("answer"), max_length=20, choices=Satisfaction.choices,
                             blank=True)
    status = models.CharField(_("status"), max_length=20, choices=SurveyAnswerStatus.choices)

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.raw_text[:20]}"

    @property
    def channel_label(self) -> str:
        """The channel the answer came by, in the reader's language."""
        return str(SURVEY_CHANNEL_LABELS.get(self.channel, self.channel))
