"""Core tables: organisation, staff, audit log, API tokens, calendar overrides."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Area(models.TextChoices):
    URBAN = "urban", _("Urban")
    RURAL = "rural", _("Rural")


class OrgUnitKind(models.TextChoices):
    OPERATOR = "operator", _("Operator")
    PROVINCE = "province", _("Province")
    CITY = "city", _("City branch")
    COUNTY = "county", _("County/district branch")
    OUTLET = "outlet", _("Outlet")


# Which kind of unit may hang under which.
ALLOWED_PARENT_KIND = {
    OrgUnitKind.OPERATOR: None,
    OrgUnitKind.PROVINCE: OrgUnitKind.OPERATOR,
    OrgUnitKind.CITY: OrgUnitKind.PROVINCE,
    OrgUnitKind.COUNTY: OrgUnitKind.CITY,
    OrgUnitKind.OUTLET: OrgUnitKind.COUNTY,
}


class OrgUnit(models.Model):
    """A node of the operator's tree: operator → province → city → county → outlet.

    ``path`` is a materialised path of codes (``/op/sx/ty/xd/``) so that "this unit
    and everything below it" is one indexed prefix match.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=OrgUnitKind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("parent"),
    )
    path = models.CharField(max_length=400, unique=True, editable=False)
    # Set on county units and inherited by outlets; empty above county level.
    area = models.CharField(_("area"), max_length=5, choices=Area.choices, blank=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        indexes = [models.Index(fields=["path"], name="orgunit_path_idx",
                                opclasses=["varchar_pattern_ops"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="county") | ~models.Q(area=""),
                name="orgunit_county_has_area",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def is_within(self, other: OrgUnit) -> bool:
        """True when this unit is ``other`` or lies below it."""
        return self.path.startswith(other.path)


class User(AbstractUser):
    """A staff member or integrator. Roles are groups (see ``core.roles``)."""

    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="staff",
        verbose_name=_("organisation unit"),
    )
    display_name = models.CharField(_("display name"), max_length=50, blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def role_names(self) -> set[str]:
        cached = getattr(self, "_role_names", None)
        if cached is None:
            cached = set(self.groups.values_list("name", flat=True))
            self._role_names = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_names.intersection(roles))


class Channel(models.TextChoices):
    CONSOLE = "console", _("Staff console")
    API = "api", _("API")
    CLI = "cli", _("Command line")
    SELF_SERVICE = "self_service", _("Self-service hall")
    ADMIN = "admin", _("Admin")
    SYSTEM = "system", _("System")


class AppendOnlyQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("the audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")


class AuditEntry(models.Model):
    """Who did what to which record, when, from which channel. Append-only."""

    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor"), max_length=150)
    channel = models.CharField(_("channel"), max_length=15, choices=Channel.choices)
    action = models.CharField(_("action"), max_length=60)
    target_type = models.CharField(_("record type"), max_length=60)
    target_id = models.CharField(_("record"), max_length=64)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["target_type", "target_id", "at"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise PermissionError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")


# An API token reads ``tdk_<prefix>_<secret>``; only its hash is stored.
TOKEN_PREFIX = "tdk_"  # noqa: S105 - a public marker, not a secret


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the TMF API. Only a hash of the secret is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens",
                             verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class HolidayNotice(models.Model):
    """A year's State Council holiday notice, entered by staff.

    A year that ``chinesecalendar`` does not cover counts as covered once its
    notice is entered; the notice's days are ``CalendarDay`` rows.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    source = models.CharField(_("source"), max_length=300, blank=True)
    entered_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("entered by"))
    entered_at = models.DateTimeField(_("entered"))

    class Meta:
        ordering = ["-year"]
        verbose_name = _("holiday notice")
        verbose_name_plural = _("holiday notices")

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class CalendarDay(models.Model):
    """An override of one day: a holiday or an adjusted working day."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    notice = models.ForeignKey(HolidayNotice, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="days", verbose_name=_("notice"))

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self) -> str:
        return f"{self.date} {'working' if self.is_working_day else 'holiday'}"


class ScheduledJob(models.Model):
    """A periodic job of the clock process, claimed by a conditional update.

    Each clock pass tries ``UPDATE ... SET next_run_at = <next> WHERE name = <job>
    AND next_run_at <= <now>``; only the process whose update changed exactly one
    row runs the job, so two clocks running side by side never run it twice.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    next_run_at = models.DateTimeField(_("next run"))
    last_started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last finished"), null=True, blank=True)
    last_result = models.CharField(_("last result"), max_length=300, blank=True)
    runs = models.PositiveIntegerField(_("runs"), default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("scheduled job")
        verbose_name_plural = _("scheduled jobs")

    def __str__(self) -> str:
        return self.name


class HubRegistration(models.Model):
    """A TMF listener registered with ``POST /hub`` on one API (``troubleTicket``...).

    ``query`` is the TMF query the listener passed, e.g.
    ``eventType=TroubleTicketStatusChangeEvent``; empty means every event.
    ``created_by`` is whose scope the listener carries: it receives only events about
    records that user may see, with numbers as that user sees them.
    """

    api = models.CharField(_("API"), max_length=60)
    callback = models.URLField(_("callback"), max_length=500)
    query = models.CharField(_("query"), max_length=500, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"),
                                   help_text=_("The listener receives only the events of "
                                               "records this user may see."))
    created_at = models.DateTimeField(_("created"))

    class Meta:
        ordering = ["api", "id"]
        verbose_name = _("event listener")
        verbose_name_plural = _("event listeners")
        indexes = [models.Index(fields=["api"], name="hubreg_api_idx")]

    def __str__(self) -> str:
        return f"{self.api} → {self.callback}"


class TmfEventState(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    # The listener's user may not (or no longer) see the record: never sent.
    WITHHELD = "withheld", _("Withheld")


class TmfEvent(models.Model):
    """One event to deliver to one listener; the worker POSTs it with retries.

    A pending row is due when ``next_attempt_at`` has passed. A delivery claims
    the row by moving ``next_attempt_at`` forward (a lease) with a conditional
    update that must change exactly one row, so two workers never send it twice
    at the same time.
    """

    registration = models.ForeignKey(HubRegistration, on_delete=models.CASCADE,
                                     related_name="events", verbose_name=_("listener"))
    # The same event sent to two listeners carries the same ``eventId``.
    event_id = models.CharField(_("event id"), max_length=40)
    event_type = models.CharField(_("event type"), max_length=100)
    event_time = models.DateTimeField(_("event time"))
    payload = models.JSONField(_("payload"))
    # The record the event is about ("orders.workorder", "42"): its app's selector
    # decides whether the listener's user may receive it.
    subject_type = models.CharField(_("record type"), max_length=60, blank=True)
    subject_id = models.CharField(_("record"), max_length=64, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=TmfEventState.choices,
                             default=TmfEventState.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        ordering = ["event_time", "id"]
        verbose_name = _("TMF event")
        verbose_name_plural = _("TMF events")
        indexes = [
            models.Index(fields=["next_attempt_at"], name="tmfevent_due_idx",
                         condition=models.Q(state="pending")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["registration", "event_id"],
                                    name="tmfevent_once_per_listener"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id} ({self.state})"


class TrackedTaskState(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", pgettext_lazy("task state", "Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class TrackedTask(models.Model):
    """Slow work a staff member started from a console page (a file import): what the
    page shows while the worker does it — waiting, running with its progress, done with
    what it did, failed with why — and the uploaded file, kept whatever happens.

    ``kind`` names the work (``quality.network_counters``); the app that owns the kind
    enqueues the task, runs it and says who may see it. Written only through
    ``core.services`` (``do_queue_tracked_task`` and the ``do_*_tracked_task`` steps).
    """

    kind = models.CharField(_("kind"), max_length=60)
    state = models.CharField(_("state"), max_length=10, choices=TrackedTaskState.choices,
                             default=TrackedTaskState.QUEUED)
    done = models.PositiveIntegerField(_("rows done"), default=0)
    total = models.PositiveIntegerField(_("rows in all"), null=True, blank=True)  # None: unknown
    requested_at = models.DateTimeField(_("requested at"))
    requested_by = models.ForeignKey("core.User", on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="+",
                                     verbose_name=_("requested by"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="tasks/%Y/%m/", blank=True, max_length=300)
    file_name = models.CharField(_("file name"), max_length=300, blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    # What the work did, for the page: ``summary`` and ``warnings`` when done; ``refused``
    # (a file's errors with their line numbers) or ``error`` when failed.
    result = models.JSONField(_("result"), default=dict, blank=True)

    class Meta:
        db_table = "core_tracked_task"
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["kind", "-requested_at"], name="core_tracked_kind_idx")]
        verbose_name = _("tracked task")
        verbose_name_plural = _("tracked tasks")

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}: {self.state}"

    @property
    def percent(self) -> int:
        if self.state == TrackedTaskState.DONE:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0
