"""Writes of the hotline's routing: skill groups, the queue map, the IVR menu.

Every function is ``do_*`` with keyword-only arguments and ``now`` from the caller,
runs in one transaction, checks that the actor may change the routing
(administrators; ``actor=None`` is the system, e.g. a loader) and leaves an audit
entry. Bad input raises ``CareError`` and changes nothing.

- ``do_create_skill_group`` / ``do_update_skill_group``: names, the answer-time
  threshold (seconds, > 0), order, active. A group the menu still names cannot
  be deactivated.
- ``do_map_queue``: a queue name as the telephone system logs it → a skill group
  (or back to unmapped). Unknown queue names are created, so a queue can be
  mapped before its first call is imported.
- ``do_replace_ivr_tree``: the whole menu from an outline (``care.routing.outline``);
  the outline is checked as a whole first and refused with every problem listed
  (``IvrOutlineError.problems``), nothing written. Active skill groups that no key
  reaches are a warning, not a refusal (a group may be reached another way, such
  as VIP callers routed by their number); they are returned.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import transaction

from telcodesk.care.errors import CareError, CareErrorCode
from telcodesk.care.models import HotlineQueue, IvrAction, IvrNode, SkillGroup
from telcodesk.care.permissions import may_edit_ivr
from telcodesk.care.routing.outline import OutlineNode, OutlineProblem
from telcodesk.care.selectors.ivr import check_ivr_outline, ivr_outline
from telcodesk.core.models import Channel, User
from telcodesk.core.permissions import check_actor
from telcodesk.core.services import do_audit

CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
MAX_THRESHOLD_SECONDS = 3600
QUEUE_NAME_MAX_LENGTH = 80


class IvrOutlineError(CareError):
    """An outline refused as a whole; ``problems`` lists each with its line number."""

    def __init__(self, problems: list[OutlineProblem]) -> None:
        count = len(problems)
        summary = "; ".join(str(p) for p in problems)
        super().__init__(CareErrorCode.INVALID,
                         f"the IVR menu was not saved ({count} problem"
                         f"{'' if count == 1 else 's'}): {summary}")
        self.problems = problems


@dataclass(frozen=True)
class IvrTreeChange:
    nodes: int
    # Codes of active skill groups no key leads to (saved anyway).
    unreachable_groups: list[str]


def _check_actor(actor: User | None) -> None:
    check_actor(actor, may_edit_ivr, lambda: CareError(
        CareErrorCode.FORBIDDEN,
        "only administrators change the IVR menu, skill groups and queues"))


def _clean_name(label: str, value: str, max_length: int) -> str:
    text = (value or "").strip()
    if not text:
        raise CareError(CareErrorCode.INVALID, f"the {label} is required")
    if len(text) > max_length:
        raise CareError(CareErrorCode.INVALID,
                        f"the {label} has {len(text)} characters; at most {max_length}")
    return text


def _clean_threshold(value: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not (
            0 < value <= MAX_THRESHOLD_SECONDS):
        raise CareError(CareErrorCode.INVALID,
                        f"the answer-time threshold must be a whole number of seconds from 1 "
                        f"to {MAX_THRESHOLD_SECONDS}, not {value!r}")
    return value


# --- skill groups ---------------------------------------------------------------------------


@transaction.atomic
def do_create_skill_group(
    *,
    now: dt.datetime,
    actor: User | None,
    code: str,
    name_zh: str,
    name_en: str,
    service_level_seconds: int = 15,
    position: int | None = None,
    active: bool = True,
    channel: str = Channel.CONSOLE,
) -> SkillGroup:
    """Add a skill group, active unless said otherwise. ``code`` is lower-case letters,
    digits, ``-`` and ``_``."""
    _check_actor(actor)
    code = (code or "").strip()
    if not CODE_PATTERN.match(code):
        raise CareError(CareErrorCode.INVALID,
                        f"skill group code {code!r}: use 1-40 lower-case letters, digits, "
                        "'-' or '_'")
    if SkillGroup.objects.filter(code=code).exists():
        raise CareError(CareErrorCode.CONFLICT, f"skill group code {code!r} is taken")
    if position is None:
        last = SkillGroup.objects.order_by("-position").values_list("position", flat=True)
        position = (last.first() or 0) + 1
    group = SkillGroup.objects.create(
        code=code, name_zh=_clean_name("Chinese name", name_zh, 60),
        name_en=_clean_name("English name", name_en, 80),
        service_level_seconds=_clean_threshold(service_level_seconds), position=position,
        active=active)
    do_audit(now=now, actor=actor, channel=channel, action="skill_group_created",
             target_type="care.SkillGroup", target_id=group.code,
             summary=f"skill group {group.code} created ({group.service_level_seconds} s)",
             details={"name_zh": group.name_zh, "name_en": group.name_en,
                      "service_level_seconds": group.service_level_seconds,
                      "active": group.active})
    return group


@transaction.atomic
def do_update_skill_group(
    *,
    now: dt.datetime,
    actor: User | None,
    group: SkillGroup,
    name_zh: str | None = None,
    name_en: str | None = None,
    service_level_seconds: int | None = None,
    position: int | None = None,
    active: bool | None = None,
    channel: str = Channel.CONSOLE,
) -> SkillGroup:
    """Change a skill group; arguments left ``None`` keep their value."""
    _check_actor(actor)
    group = SkillGroup.objects.select_for_update().get(pk=group.pk)
    changes: dict[str, tuple[object, object]] = {}

    def change(attribute: str, value: object) -> None:
        old = getattr(group, attribute)
        if value != old:
            changes[attribute] = (old, value)
            setattr(group, attribute, value)

    if name_zh is not None:
        change("name_zh", _clean_name("Chinese name", name_zh, 60))
    if name_en is not None:
        change("name_en", _clean_name("English name", name_en, 80))
    if service_level_seconds is not None:
        change("service_level_seconds", _clean_threshold(service_level_seconds))
    if position is not None:
        if position < 0:
            raise CareError(CareErrorCode.INVALID, "the order must not be negative")
        change("position", position)
    if active is not None:
        if not active and group.active and IvrNode.objects.filter(skill_group=group).exists():
            raise CareError(CareErrorCode.ILLEGAL_STATE,
                            f"skill group {group.code!r} is still named in the IVR menu; "
                            "take it out of the menu before deactivating it")
        change("active", active)
    if changes:
        group.save(update_fields=list(changes))
        do_audit(now=now, actor=actor, channel=channel, action="skill_group_changed",
                 target_type="care.SkillGroup", target_id=group.code,
                 summary=f"skill group {group.code}: "
                         + ", ".join(f"{k} {old} → {new}" for k, (old, new) in changes.items()),
                 details={k: [str(old), str(new)] for k, (old, new) in changes.items()})
    return group


# --- queue names ------------------------------------------------------------------------------


@transaction.atomic
def do_map_queue(
    *,
    now: dt.datetime,
    actor: User | None,
    queue_name: str,
    group_code: str | None,
    channel: str = Channel.CONSOLE,
) -> HotlineQueue:
    """Map the queue named ``queue_name`` to the skill group ``group_code`` (None: unmap).

    The queue's calls count for the group from then on, past calls included: the
    figures join calls to groups through the queue when they are computed.
    """
    _check_actor(actor)
    name = (queue_name or "").strip()
    if not name:
        raise CareError(CareErrorCode.INVALID, "the queue name is required")
    if len(name) > QUEUE_NAME_MAX_LENGTH:
        raise CareError(CareErrorCode.INVALID,
                        f"queue names have at most {QUEUE_NAME_MAX_LENGTH} characters")
    group: SkillGroup | None = None
    if group_code:
        group = SkillGroup.objects.filter(code=group_code).first()
        if group is None:
            known = ", ".join(SkillGroup.objects.values_list("code", flat=True)) or "none"
            raise CareError(CareErrorCode.NOT_FOUND,
                            f"unknown skill group {group_code!r} (known: {known})")
        if not group.active:
            raise CareError(CareErrorCode.INVALID, f"skill group {group_code!r} is inactive")
    queue, created = HotlineQueue.objects.select_for_update().get_or_create(
        name=name, defaults={"skill_group": group})
    before = None if created else queue.skill_group
    if not created:
        if queue.skill_group_id == (group.pk if group else None):
            return queue
        queue.skill_group = group
        queue.save(update_fields=["skill_group"])
    do_audit(now=now, actor=actor, channel=channel, action="queue_mapped",
             target_type="care.HotlineQueue", target_id=queue.name,
             summary=f"queue {queue.name} → {group.code if group else 'unmapped'}",
             details={"before": before.code if before else None,
                      "after": group.code if group else None, "created": created})
    return queue


# --- the IVR menu -------------------------------------------------------------------------------


def _write_node(node: OutlineNode, parent: IvrNode | None, groups: dict[str, SkillGroup]) -> int:
    row = IvrNode.objects.create(
        parent=parent, key=node.key,
        action=IvrAction.GROUP if node.is_group else IvrAction.MENU,
        prompt_zh=node.prompt_zh, prompt_en=node.prompt_en,
        skill_group=groups[node.group_code] if node.is_group else None)
    return 1 + sum(_write_node(child, row, groups) for child in node.children)


@transaction.atomic
def do_replace_ivr_tree(
    *,
    now: dt.datetime,
    actor: User | None,
    outline: str,
    channel: str = Channel.CONSOLE,
) -> IvrTreeChange:
    """Replace the whole IVR menu with the one ``outline`` describes (see ``care.routing.outline``).

    The outline is checked as a whole before anything is written; any problem
    refuses it with ``IvrOutlineError`` listing every problem by line.
    """
    _check_actor(actor)
    # Lock the skill groups so none is deactivated between the check and the write.
    groups = {g.code: g for g in SkillGroup.objects.select_for_update().order_by("pk")}
    check = check_ivr_outline(outline)
    if check.problems or check.root is None:
        raise IvrOutlineError(check.problems)
    before = ivr_outline()
    IvrNode.objects.filter(parent__isnull=True).delete()  # the children follow (CASCADE)
    IvrNode.objects.all().delete()  # and any stray node
    count = _write_node(check.root, None, groups)
    after = ivr_outline()
    do_audit(now=now, actor=actor, channel=channel, action="ivr_menu_replaced",
             target_type="care.IvrNode", target_id="10000",
             summary=f"IVR menu replaced: {count} nodes"
                     + (f"; no key reaches {', '.join(check.unreachable_groups)}"
                        if check.unreachable_groups else ""),
             details={"before": before, "after": after,
                      "unreachable_groups": check.unreachable_groups})
    return IvrTreeChange(nodes=count, unreachable_groups=check.unreachable_groups)
