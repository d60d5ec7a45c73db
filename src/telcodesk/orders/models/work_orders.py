"""Work orders / trouble tickets (TMF621): teams, tickets, their timeline, checklist, files.

Tables only: the rules live in ``workflow`` and ``services``.
Models of other apps are referenced by string (``"customers.Subscription"``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from telcodesk.core.models import Area
from telcodesk.orders.models.product_orders import CustomerOrder, OrderChannel, OrderItem

__all__ = ["OPEN_REPAIR_STATUSES", "Attachment", "ChecklistStep", "EventKind", "Severity",
           "StepResult", "Team", "TicketStatus", "WorkOrder", "WorkOrderEvent",
           "WorkOrderKind"]


class Team(models.Model):
    """A field team (install/repair crew) of a branch."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    org_unit = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("branch"))
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                     related_name="teams", verbose_name=_("members"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class WorkOrderKind(models.TextChoices):
    INSTALL = "install", _("Installation")
    MOVE = "move", _("Move")
    REPAIR = "repair", _("Fault repair")
    CHANGE = "change", _("Change")
    RESTORE = "restore", _("Restore")


class TicketStatus(models.TextChoices):
    """TMF621 ``TroubleTicketStatusType``."""

    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    REJECTED = "rejected", _("Rejected")
    PENDING = "pending", _("Pending")
    HELD = "held", _("Held")
    IN_PROGRESS = "inProgress", _("In progress")
    CANCELLED = "cancelled", _("Cancelled")
    CLOSED = "closed", _("Closed")
    RESOLVED = "resolved", _("Resolved")


# The statuses of a repair still being worked on (``workflow.state_machines.TICKET_OPEN``).
OPEN_REPAIR_STATUSES = (TicketStatus.ACKNOWLEDGED, TicketStatus.IN_PROGRESS,
                        TicketStatus.PENDING, TicketStatus.HELD)


class Severity(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    MAJOR = "major", _("Major")
    MINOR = "minor", _("Minor")


class WorkOrder(models.Model):
    code = models.CharField(_("work order number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=WorkOrderKind.choices)
    ticket_type = models.CharField(_("ticket type"), max_length=20)
    service = models.CharField(_("service"), max_length=10)
    subscription = models.ForeignKey("customers.Subscription", on_delete=models.PROTECT,
                                     related_name="work_orders",
                                     verbose_name=_("subscription"))
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT,
                                 related_name="work_orders", verbose_name=_("customer"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    org_unit = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("branch"))
    area = models.CharField(_("area"), max_length=5, choices=Area.choices)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="work_orders", verbose_name=_("team"))
    technician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="work_orders",
                                   verbose_name=_("technician"))
    appointment_start = models.DateTimeField(_("appointment from"), null=True, blank=True)
    appointment_end = models.DateTimeField(_("appointment until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=15, choices=TicketStatus.choices,
                              default=TicketStatus.ACKNOWLEDGED)
    status_reason = models.CharField(_("status reason"), max_length=300, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"))
    channel = models.CharField(_("channel"), max_length=15, choices=OrderChannel.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices,
                                default=Severity.MINOR)
    priority = models.PositiveSmallIntegerField(_("priority"), default=3)
    name = models.CharField(_("title"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    external_id = models.CharField(_("external id"), max_length=100, blank=True)
    sla_clock = models.OneToOneField("sla.SlaClock", on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="work_order",
                                     verbose_name=_("SLA clock"))
    order = models.ForeignKey(CustomerOrder, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="work_orders", verbose_name=_("order"))
    order_item = models.ForeignKey(OrderItem, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="work_orders",
                                   verbose_name=_("order item"))
    reopened_count = models.PositiveSmallIntegerField(_("reopened"), default=0)
    repeat_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="repeats", verbose_name=_("repeat of"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("reported"))
    updated_at = models.DateTimeField(_("last update"))
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    confirmed_by_subscriber_at = models.DateTimeField(_("confirmed by the subscriber"),
                                                      null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        indexes = [
            models.Index(fields=["status", "org_unit"], name="wo_status_unit_idx"),
            models.Index(fields=["subscription", "kind", "resolved_at"], name="wo_sub_idx"),
            models.Index(fields=["technician", "status"], name="wo_technician_idx"),
            # The paged lists' order (TMF621, a line's work orders): walked, not sorted.
            models.Index(fields=["created_at", "id"], name="wo_created_idx"),
        ]
        constraints = [
            # One open repair per line, held by the database even under concurrent reports.
            models.UniqueConstraint(
                fields=["subscription"],
                condition=models.Q(kind=WorkOrderKind.REPAIR,
                                   status__in=OPEN_REPAIR_STATUSES),
                name="wo_one_open_repair_per_line"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_repeat(self) -> bool:
        return self.repeat_of_id is not None or self.reopened_count > 0


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    ASSIGNED = "assigned", _("Assigned")
    STATUS_CHANGED = "status_changed", _("Status changed")
    PAUSED = "paused", _("Clock paused")
    RESUMED = "resumed", _("Clock resumed")
    NOTE = "note", _("Note")
    CHECKLIST_STEP = "checklist_step", _("Checklist step")
    APPOINTMENT = "appointment", _("Appointment")
    ATTACHMENT = "attachment", _("Attachment")
    REOPENED = "reopened", _("Reopened")
    CONFIRMED = "confirmed", _("Confirmed by the subscriber")


class WorkOrderEvent(models.Model):
    """One line of a work order's timeline."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="events",
                                   verbose_name=_("work order"))
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+", verbose_name=_("actor"))
    actor_label = models.CharField(_("by"), max_length=150, blank=True)
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    from_status = models.CharField(_("from"), max_length=15, blank=True)
    to_status = models.CharField(_("to"), max_length=15, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("work order event")
        verbose_name_plural = _("work order events")
        indexes = [models.Index(fields=["work_order", "at"], name="wo_event_idx")]

    def __str__(self) -> str:
        return f"{self.work_order_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class StepResult(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NOT_APPLICABLE = "na", _("Not applicable")


class ChecklistStep(models.Model):
    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE,
                                   related_name="checklist_steps", verbose_name=_("work order"))
    step = models.CharField(_("step"), max_length=40)
    position = models.PositiveSmallIntegerField(_("order"))
    result = models.CharField(_("result"), max_length=5, choices=StepResult.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+", verbose_name=_("by"))

    class Meta:
        ordering = ["work_order", "position"]
        verbose_name = _("checklist step")
        verbose_name_plural = _("checklist steps")
        constraints = [models.UniqueConstraint(fields=["work_order", "step"],
                                               name="checklist_step_unique")]

    def __str__(self) -> str:
        return f"{self.work_order_id} {self.step} {self.result}"


class Attachment(models.Model):
    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE,
                                   related_name="attachments", verbose_name=_("work order"))
    file = models.FileField(_("file"), upload_to="workorders/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("uploaded by"))

    class Meta:
        ordering = ["work_order", "uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name
