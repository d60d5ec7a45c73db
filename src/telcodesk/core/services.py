"""Writes of the core app: organisation, staff, audit log, API tokens, the working
calendar (holiday notices and single-day overrides).

Every function is ``do_*``, takes keyword-only arguments and ``now`` from the
caller, and runs in one transaction.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.contrib.auth.models import Group
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from telcodesk.core.calendar import PACKAGE, CalendarNotCovered
from telcodesk.core.errors import CoreError, CoreErrorCode
from telcodesk.core.models import (
    ALLOWED_PARENT_KIND,
    TOKEN_PREFIX,
    ApiToken,
    AuditEntry,
    CalendarDay,
    Channel,
    HolidayNotice,
    OrgUnit,
    OrgUnitKind,
    TrackedTask,
    TrackedTaskState,
    User,
    hash_token,
)
from telcodesk.core.permissions import check_actor, may_edit_calendar, may_use_tokens
from telcodesk.core.roles import Role

# --- audit log --------------------------------------------------------------

_CHANNELS = frozenset(Channel.values)  # ``Channel.values`` builds a new list on each read


def do_audit(
    *,
    now: dt.datetime,
    actor: User | None,
    channel: str,
    action: str,
    target_type: str,
    target_id: object,
    summary: str = "",
    details: dict[str, Any] | None = None,
    actor_label: str | None = None,
) -> AuditEntry:
    """Append one entry to the audit log (inside the caller's transaction)."""
    entry = _audit_entry(now=now, actor=actor, channel=channel, action=action,
                         target_type=target_type, target_id=target_id, summary=summary,
                         details=details, actor_label=actor_label)
    entry.save(force_insert=True)
    return entry


def do_audit_many(*, now: dt.datetime, actor: User | None, channel: str, action: str,
                  target_type: str, targets: Sequence[tuple[object, str]]) -> int:
    """``do_audit`` for many targets of one action: ``targets`` are ``(target_id,
    summary)`` pairs, appended in that order with one batched insert. Returns how many."""
    entries = [_audit_entry(now=now, actor=actor, channel=channel, action=action,
                            target_type=target_type, target_id=target_id, summary=summary)
               for target_id, summary in targets]
    AuditEntry.objects.bulk_create(entries)
    return len(entries)


def _audit_entry(*, now: dt.datetime, actor: User | None, channel: str, action: str,
                 target_type: str, target_id: object, summary: str = "",
                 details: dict[str, Any] | None = None,
                 actor_label: str | None = None) -> AuditEntry:
    if channel not in _CHANNELS:
        raise CoreError(CoreErrorCode.INVALID, f"unknown channel {channel!r}")
    return AuditEntry(
        at=now,
        actor=actor,
        actor_label=actor_label or (actor.get_username() if actor else "system"),
        channel=channel,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        summary=summary[:300],
        details=details or {},
    )


# --- organisation -------------------------------------------------------------


def org_unit_path(parent: OrgUnit | None, code: str) -> str:
    return f"{parent.path if parent else '/'}{code}/"


@transaction.atomic
def do_create_org_unit(
    *,
    code: str,
    name: str,
    kind: str,
    parent: OrgUnit | None,
    area: str = "",
    name_en: str = "",
) -> OrgUnit:
    """Add a unit under ``parent``, checking the tree's shape."""
    if kind not in OrgUnitKind.values:
        raise CoreError(CoreErrorCode.INVALID, f"unknown org unit kind {kind!r}")
    expected_parent = ALLOWED_PARENT_KIND[OrgUnitKind(kind)]
    actual_parent = OrgUnitKind(parent.kind) if parent else None
    if expected_parent != actual_parent:
        raise CoreError(
            CoreErrorCode.INVALID,
            f"a {kind} unit must sit under a {expected_parent or 'nothing'} unit, "
            f"not under {actual_parent or 'nothing'}",
        )
    if kind == OrgUnitKind.OUTLET and parent is not None:
        area = parent.area
    if kind == OrgUnitKind.COUNTY and not area:
        raise CoreError(CoreErrorCode.INVALID, "a county unit must be tagged urban or rural")
    if OrgUnit.objects.filter(code=code).exists():
        raise CoreError(CoreErrorCode.CONFLICT, f"org unit code {code!r} is taken")
    return OrgUnit.objects.create(
        code=code, name=name, name_en=name_en, kind=kind, parent=parent,
        path=org_unit_path(parent, code), area=area,
    )


# --- staff --------------------------------------------------------------------


@transaction.atomic
def do_create_staff(
    *,
    now: dt.datetime,
    username: str,
    password: str | None,
    org_unit: OrgUnit | None,
    roles: Iterable[str],
    display_name: str = "",
    is_superuser: bool = False,
    actor: User | None = None,
    channel: str = Channel.CLI,
    password_hash: str | None = None,
) -> User:
    """Create a staff user with roles. ``password_hash`` lets bulk builders hash once."""
    roles = list(roles)
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise CoreError(CoreErrorCode.INVALID, f"unknown role(s): {', '.join(unknown)}")
    if User.objects.filter(username=username).exists():
        raise CoreError(CoreErrorCode.CONFLICT, f"user {username!r} exists")
    if org_unit is None and not is_superuser:
        raise CoreError(CoreErrorCode.INVALID, "staff must belong to an org unit")
    user = User(username=username, display_name=display_name, org_unit=org_unit,
                is_staff=True, is_superuser=is_superuser, date_joined=now)
    if password_hash is not None:
        user.password = password_hash
    elif password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    if roles:
        user.groups.set(Group.objects.filter(name__in=roles))
    do_audit(now=now, actor=actor, channel=channel, action="staff.create",
             target_type="user", target_id=user.pk, summary=username,
             details={"roles": roles, "org_unit": org_unit.code if org_unit else None})
    return user


# --- API tokens ---------------------------------------------------------------

@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    raw: str  # shown once, never stored


@transaction.atomic
def do_issue_token(
    *, now: dt.datetime, user: User, name: str, actor: User | None, channel: str
) -> IssuedToken:
    """Issue a bearer token for ``user``. The raw secret is returned once. A staff
    ``actor`` must hold a role that uses tokens (``permissions.may_use_tokens``)."""
    check_actor(actor, may_use_tokens, lambda: CoreError(
        CoreErrorCode.FORBIDDEN, _("Only managers and administrators hold API tokens.")))
    if not user.is_active:
        raise CoreError(CoreErrorCode.INVALID, f"user {user.username!r} is inactive")
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(user=user, name=name or "API", prefix=prefix,
                                    key_hash=hash_token(raw), created_at=now)
    do_audit(now=now, actor=actor, channel=channel, action="token.issue",
             target_type="api_token", target_id=token.pk,
             summary=f"{user.username} {prefix}")
    return IssuedToken(token=token, raw=raw)


@transaction.atomic
def do_revoke_token(
    *, now: dt.datetime, token: ApiToken, actor: User | None, channel: str
) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        do_audit(now=now, actor=actor, channel=channel, action="token.revoke",
                 target_type="api_token", target_id=token.pk,
                 summary=f"{token.user.username} {token.prefix}")
    return token


def do_touch_token(*, now: dt.datetime, token: ApiToken) -> None:
    """Record use at most once a minute, so a busy client does not write on every call."""
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


# --- the working calendar (every write leaves an entry in the audit log) -------------------

# A notice day: (date, is it a working day, name such as "春节" or "春节调休").
NoticeDay = tuple[dt.date, bool, str]

FIRST_YEAR = 1949
LAST_YEAR = 2999


def _check_actor(actor: User | None) -> None:
    """``None`` is the system or the command line; a person needs the calendar role."""
    check_actor(actor, may_edit_calendar, lambda: CoreError(
        CoreErrorCode.FORBIDDEN,
        _("only a quality manager or an administrator may change the calendar")))


def _day_label(is_working_day: bool) -> str:
    return "workday" if is_working_day else "holiday"


@transaction.atomic
def do_enter_holiday_notice(
    *,
    now: dt.datetime,
    actor: User | None,
    year: int,
    title: str,
    source: str,
    days: Sequence[NoticeDay],
    channel: str,
) -> HolidayNotice:
    """Record a year's State Council holiday notice and its days; the year becomes covered.

    Refused: a year the ``chinesecalendar`` package already covers (correct single
    days with ``do_set_calendar_day`` instead), a year that already has a notice,
    an empty list of days, a day outside the year, a date listed twice, and a
    working day that is not a Saturday or Sunday (only weekends are adjusted).
    """
    _check_actor(actor)
    title = title.strip()
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CoreError(CoreErrorCode.INVALID,
                        _("%(year)s is not a plausible year") % {"year": year})
    if year in PACKAGE.years:
        raise CoreError(
            CoreErrorCode.CONFLICT,
            _("%(year)s is already covered by the holiday data shipped with telcodesk; "
              "correct single days instead") % {"year": year},
        )
    if HolidayNotice.objects.filter(year=year).exists():
        raise CoreError(CoreErrorCode.CONFLICT,
                        _("the holiday notice for %(year)s is already entered") % {"year": year})
    if not title:
        raise CoreError(CoreErrorCode.INVALID, _("the notice needs a title"))
    if not days:
        raise CoreError(CoreErrorCode.INVALID, _("the notice lists no days"))
    seen: set[dt.date] = set()
    for day, is_working_day, _name in days:
        if day.year != year:
            raise CoreError(
                CoreErrorCode.INVALID,
                _("%(date)s is not in %(year)s") % {"date": day.isoformat(), "year": year},
            )
        if day in seen:
            raise CoreError(CoreErrorCode.INVALID,
                            _("%(date)s is listed twice") % {"date": day.isoformat()})
        seen.add(day)
        if is_working_day and day.weekday() < 5:
            raise CoreError(
                CoreErrorCode.INVALID,
                _("%(date)s is a weekday: only a Saturday or Sunday can be an adjusted "
                  "working day") % {"date": day.isoformat()},
            )
    taken = sorted(CalendarDay.objects.filter(date__in=seen).values_list("date", flat=True))
    if taken:
        raise CoreError(
            CoreErrorCode.CONFLICT,
            _("%(date)s already has an override") % {"date": taken[0].isoformat()},
        )
    try:
        with transaction.atomic():
            notice = HolidayNotice.objects.create(
                year=year, title=title, source=source.strip(), entered_by=actor, entered_at=now,
            )
            CalendarDay.objects.bulk_create(
                CalendarDay(date=day, is_working_day=working, name=name.strip(), notice=notice)
                for day, working, name in sorted(days)
            )
    except IntegrityError as exc:  # a concurrent entry of the same year or day
        raise CoreError(
            CoreErrorCode.CONFLICT,
            _("the holiday notice for %(year)s is already entered") % {"year": year},
        ) from exc
    do_audit(
        now=now, actor=actor, channel=channel, action="calendar.notice.enter",
        target_type="holiday_notice", target_id=notice.pk, summary=f"{year} {title}",
        details={
            "year": year,
            "source": notice.source,
            "days": [[d.isoformat(), _day_label(w), n] for d, w, n in sorted(days)],
        },
    )
    return notice


@transaction.atomic
def do_set_calendar_day(
    *,
    now: dt.datetime,
    actor: User | None,
    date: dt.date,
    is_working_day: bool,
    name: str,
    channel: str,
) -> CalendarDay:
    """Override one day of a covered year (a correction, or a local decision).

    A day of a year covered only by a notice joins that notice. An uncovered year
    is refused: enter its notice first.
    """
    _check_actor(actor)
    notice = HolidayNotice.objects.filter(year=date.year).first()
    if date.year not in PACKAGE.years and notice is None:
        raise CalendarNotCovered(date.year)
    name = name.strip()
    before = CalendarDay.objects.select_for_update().filter(date=date).first()
    previous = None if before is None else [_day_label(before.is_working_day), before.name]
    try:
        with transaction.atomic():
            day, _created = CalendarDay.objects.update_or_create(
                date=date,
                defaults={"is_working_day": is_working_day, "name": name, "notice": notice},
            )
    except IntegrityError as exc:  # created concurrently
        raise CoreError(
            CoreErrorCode.CONFLICT,
            _("%(date)s was changed at the same time; try again") % {"date": date.isoformat()},
        ) from exc
    do_audit(
        now=now, actor=actor, channel=channel, action="calendar.day.set",
        target_type="calendar_day", target_id=date.isoformat(),
        summary=f"{date.isoformat()} {_day_label(is_working_day)} {name}".strip(),
        details={"before": previous, "after": [_day_label(is_working_day), name]},
    )
    return day


@transaction.atomic
def do_remove_calendar_day(
    *, now: dt.datetime, actor: User | None, date: dt.date, channel: str
) -> None:
    """Drop the override of one day: the day falls back to the package or to its weekday."""
    _check_actor(actor)
    day = CalendarDay.objects.select_for_update().filter(date=date).first()
    if day is None:
        raise CoreError(CoreErrorCode.NOT_FOUND,
                        _("%(date)s has no override") % {"date": date.isoformat()})
    previous = [_day_label(day.is_working_day), day.name]
    day.delete()
    do_audit(
        now=now, actor=actor, channel=channel, action="calendar.day.remove",
        target_type="calendar_day", target_id=date.isoformat(),
        summary=f"{date.isoformat()} {previous[0]} {previous[1]}".strip(),
        details={"before": previous},
    )


# --- tracked tasks (slow work started from a page) ------------------------------------


def do_queue_tracked_task(*, now: dt.datetime, actor: User | None, kind: str,
                          enqueue: Callable[[int], object], upload: IO[bytes] | None = None,
                          file_name: str = "", options: dict[str, Any] | None = None
                          ) -> TrackedTask:
    """Keep the request (and the uploaded file, in the media storage) and hand it to the
    worker: ``enqueue(task_id)`` runs once the transaction commits. The caller (the app
    that owns ``kind``) has checked that ``actor`` may start it."""
    name = (file_name or os.path.basename(str(getattr(upload, "name", "") or "")))[:300]
    with transaction.atomic():
        task = TrackedTask(kind=kind, requested_at=now, requested_by=actor, file_name=name,
                           options=options or {})
        if upload is not None:
            task.file.save(name or "upload", File(upload), save=False)
        task.save()
        task_id = task.pk
        transaction.on_commit(lambda: enqueue(task_id))
    return task


def do_start_tracked_task(*, now: dt.datetime, task_id: int) -> TrackedTask | None:
    """Claim a waiting task for this worker (a conditional update: a task runs once
    however many workers see it); ``None`` when it is not waiting any more."""
    claimed = TrackedTask.objects.filter(pk=task_id, state=TrackedTaskState.QUEUED).update(
        state=TrackedTaskState.RUNNING, started_at=now)
    return TrackedTask.objects.get(pk=task_id) if claimed == 1 else None


def do_record_tracked_progress(*, task_id: int, done: int, total: int | None) -> None:
    """How far a running task has got (written at once, outside the task's own writes,
    so the page sees it while the task runs)."""
    TrackedTask.objects.filter(pk=task_id, state=TrackedTaskState.RUNNING).update(
        done=done, total=total)


def do_fail_stale_tracked_tasks(*, now: dt.datetime, older_than: dt.timedelta) -> int:
    """Running tasks started longer ago than ``older_than`` whose worker is gone (killed
    in the middle: its own writes were rolled back with its transaction) are marked
    failed, so their page stops saying "running". Returns how many."""
    return TrackedTask.objects.filter(
        state=TrackedTaskState.RUNNING, started_at__lt=now - older_than,
    ).update(state=TrackedTaskState.FAILED, finished_at=now,
             result={"error": "", "unexpected": True})


def do_finish_tracked_task(*, now: dt.datetime, task_id: int, result: dict[str, Any],
                           failed: bool = False) -> None:
    """Done (with what it did) or failed (with why, in ``result``); the file stays."""
    task = TrackedTask.objects.get(pk=task_id)
    task.state = TrackedTaskState.FAILED if failed else TrackedTaskState.DONE
    task.finished_at, task.result = now, result
    if not failed and task.total is not None:
        task.done = task.total
    task.save(update_fields=["state", "finished_at", "result", "done"])
