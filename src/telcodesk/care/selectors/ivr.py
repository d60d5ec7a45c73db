"""Reads of the hotline's routing: skill groups, queue names, the IVR menu tree.

The routing is operator-wide reference data (one provincial hotline): every staff
member may read it, only administrators change it (``care.permissions.may_edit_ivr``;
the services check it again).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from telcodesk.care.models import HotlineQueue, IvrAction, IvrNode, SkillGroup
from telcodesk.care.routing.outline import (
    GroupInfo,
    OutlineCheck,
    OutlineNode,
    check_outline,
    format_outline,
    key_sort_index,
)

# --- skill groups and queues -------------------------------------------------------------


def skill_groups(*, active_only: bool = False) -> QuerySet[SkillGroup]:
    """Skill groups in menu order, each with its queues (prefetched)."""
    groups = SkillGroup.objects.prefetch_related("queues").order_by("position", "code")
    return groups.filter(active=True) if active_only else groups


def skill_group_by_code(code: str) -> SkillGroup | None:
    return SkillGroup.objects.filter(code=code).first()


def queue_by_name(name: str) -> HotlineQueue | None:
    return HotlineQueue.objects.select_related("skill_group").filter(name=name).first()


@dataclass(frozen=True)
class QueueRow:
    queue: HotlineQueue
    calls: int

    @property
    def mapped(self) -> bool:
        return self.queue.skill_group_id is not None


def queues_with_call_counts() -> list[QueueRow]:
    """Every queue name with its number of calls: the unmapped ones first, then by name."""
    queues = (HotlineQueue.objects.select_related("skill_group")
              .annotate(call_count=Count("calls")).order_by("name"))
    rows = [QueueRow(queue, queue.call_count) for queue in queues]
    return sorted(rows, key=lambda row: row.mapped)


def unmapped_queue_count() -> int:
    return HotlineQueue.objects.filter(skill_group__isnull=True).count()


# --- the menu tree --------------------------------------------------------------------------


@dataclass
class IvrMenuNode:
    """One node of the menu as pages show it."""

    key: str
    action: str
    prompt_zh: str
    prompt_en: str
    group: SkillGroup | None
    children: list[IvrMenuNode] = field(default_factory=list)

    @property
    def is_group(self) -> bool:
        return self.action == IvrAction.GROUP

    def prompt(self, language: str) -> str:
        return self.prompt_en if language.startswith("en") else self.prompt_zh


def ivr_tree() -> IvrMenuNode | None:
    """The whole menu as a nested structure (one query), options in keypad order."""
    nodes = list(IvrNode.objects.select_related("skill_group").order_by("id"))
    built = {node.pk: IvrMenuNode(node.key, node.action, node.prompt_zh, node.prompt_en,
                                  node.skill_group) for node in nodes}
    root: IvrMenuNode | None = None
    for node in nodes:
        if node.parent_id is None:
            root = root or built[node.pk]
        elif node.parent_id in built:
            built[node.parent_id].children.append(built[node.pk])
    for item in built.values():
        item.children.sort(key=lambda child: key_sort_index(child.key))
    return root


def _as_outline_node(node: IvrMenuNode, depth: int) -> OutlineNode:
    return OutlineNode(line=0, indent=depth, key=node.key, prompt_zh=node.prompt_zh,
                       prompt_en=node.prompt_en,
                       group_code=node.group.code if node.group is not None else "",
                       children=[_as_outline_node(c, depth + 1) for c in node.children])


def ivr_outline() -> str:
    """The current menu as the outline text an administrator edits."""
    root = ivr_tree()
    return format_outline(_as_outline_node(root, 0) if root is not None else None)


def group_infos() -> dict[str, GroupInfo]:
    return {code: GroupInfo(code, active)
            for code, active in SkillGroup.objects.values_list("code", "active")}


def check_ivr_outline(outline: str) -> OutlineCheck:
    """Every problem of an outline (with line numbers) against today's skill groups."""
    return check_outline(outline, group_infos())


def unreachable_skill_groups() -> list[SkillGroup]:
    """Active skill groups that no key of the current menu leads to."""
    reached = IvrNode.objects.filter(skill_group__isnull=False).values("skill_group_id")
    return list(SkillGroup.objects.filter(active=True).exclude(pk__in=reached)
                .order_by("position", "code"))


def groups_in_menu() -> set[int]:
    """Ids of the skill groups the current menu names."""
    return set(IvrNode.objects.filter(skill_group__isnull=False)
               .values_list("skill_group_id", flat=True))


def preview_tree(root: OutlineNode) -> IvrMenuNode:
    """A checked outline as the menu page would show it once saved."""
    groups = {g.code: g for g in SkillGroup.objects.all()}

    def build(node: OutlineNode) -> IvrMenuNode:
        return IvrMenuNode(
            node.key, IvrAction.GROUP if node.is_group else IvrAction.MENU,
            node.prompt_zh, node.prompt_en, groups.get(node.group_code),
            sorted((build(child) for child in node.children),
                   key=lambda child: key_sort_index(child.key)))

    return build(root)
