"""The IVR menu and skill groups as data: the shipped defaults, editing the menu as an
outline (refused as a whole with every problem by line), groups and the queue map."""

from __future__ import annotations

import pytest

from telcodesk.care.errors import CareError, CareErrorCode
from telcodesk.care.models import HotlineQueue, IvrNode, SkillGroup
from telcodesk.care.routing import defaults as ivr_defaults
from telcodesk.care.routing.outline import check_outline, format_outline, parse_outline
from telcodesk.care.selectors.ivr import (
    check_ivr_outline,
    ivr_outline,
    ivr_tree,
    queues_with_call_counts,
    unreachable_skill_groups,
)
from telcodesk.care.services.ivr import (
    IvrOutlineError,
    do_create_skill_group,
    do_map_queue,
    do_replace_ivr_tree,
    do_update_skill_group,
)
from telcodesk.core.models import AuditEntry
from telcodesk.core.roles import Role
from tests.care.factories_calls import make_call

pytestmark = pytest.mark.django_db

SIMPLE = """\
# the 10000 menu
您好，欢迎致电10000 | Welcome to 10000
  1 | 移动业务请按1 | Mobile: press 1 | mobile
  2 | 固话宽带请按2 | Fixed and broadband: press 2
    1 | 业务办理请按1 | Orders: press 1 | fixed
    2 | 故障报修请按2 | Faults: press 2 | repair
  3 | 投诉请按3 | Complaints: press 3 | complaint
  4 | 政企客户请按4 | Government and enterprise: press 4 | gov
  0 | VIP客户请按0 | VIP: press 0 | vip
"""


@pytest.fixture
def admin(org, make_staff):
    return make_staff("ivr-admin", org.province, Role.ADMINISTRATOR)


@pytest.fixture
def agent(org, make_staff):
    return make_staff("ivr-agent", org.province, Role.HOTLINE_AGENT)


# --- the defaults -----------------------------------------------------------------------------


def test_the_default_skill_groups_and_queues_are_installed():
    groups = list(SkillGroup.objects.order_by("position"))
    assert [g.code for g in groups] == ["mobile", "fixed", "repair", "complaint", "gov", "vip"]
    assert groups[0].name_zh == "移动业务综合受理"
    assert groups[2].name_zh == "宽带固话障碍报修"
    assert all(g.service_level_seconds == 15 and g.active and g.name_en for g in groups)
    mapping = dict(HotlineQueue.objects.values_list("name", "skill_group__code"))
    assert mapping == {f"10000-{code}": code for code in
                       ("mobile", "fixed", "repair", "complaint", "gov", "vip")}


def test_the_default_menu_reaches_every_group():
    tree = ivr_tree()
    assert tree is not None and tree.key == "" and "10000" in tree.prompt_zh
    assert [child.key for child in tree.children] == ["1", "2", "3", "4", "0"]
    fixed_menu = tree.children[1]
    assert not fixed_menu.is_group
    assert [(c.key, c.group.code) for c in fixed_menu.children] == [("1", "fixed"),
                                                                    ("2", "repair")]
    assert tree.children[4].group.code == "vip"
    assert all(node.prompt_en for node in tree.children)
    assert unreachable_skill_groups() == []
    # The shipped data module and the migration agree.
    assert len(ivr_defaults.SKILL_GROUPS) == SkillGroup.objects.count()


def test_the_current_menu_reads_back_as_an_outline_that_checks():
    outline = ivr_outline()
    assert outline.splitlines()[1].startswith("  1 | ")
    check = check_ivr_outline(outline)
    assert check.ok and check.unreachable_groups == []


# --- replacing the menu ------------------------------------------------------------------------


def test_replace_the_menu_and_audit_it(now, admin):
    change = do_replace_ivr_tree(now=now, actor=admin, outline=SIMPLE)
    assert change.nodes == 8 and change.unreachable_groups == []
    tree = ivr_tree()
    assert tree.prompt_en == "Welcome to 10000"
    assert [c.key for c in tree.children] == ["1", "2", "3", "4", "0"]
    assert IvrNode.objects.count() == 8
    entry = AuditEntry.objects.get(action="ivr_menu_replaced")
    assert entry.actor == admin
    assert "Welcome to 10000" in entry.details["after"]
    assert "10000号客服热线" in entry.details["before"]
    # Saving what we read gives the same menu again.
    assert format_outline(parse_outline(ivr_outline())[0]) == ivr_outline()


def test_a_group_no_key_reaches_is_a_warning_not_a_refusal(now, admin):
    outline = "\n".join(line for line in SIMPLE.splitlines() if "vip" not in line)
    change = do_replace_ivr_tree(now=now, actor=admin, outline=outline)
    assert change.unreachable_groups == ["vip"]
    assert [g.code for g in unreachable_skill_groups()] == ["vip"]


BROKEN = """\
您好 | Hello
  1 | 移动 | Mobile | mobile
    1 | 下级 | Below a group | fixed
  1 | 重复 | Duplicate key | repair
  A | 字母 | Letter key | repair
  2 | 空菜单 | Empty submenu
  3 | 未知 | Unknown group | nosuch
  4 | 停用 | Inactive group | gov
  5 | 子菜单 | Submenu
      1 | 甲 | First | vip
    2 | 乙 | Misaligned | vip
  6 | 缺英文 |  | vip
其他 | A second root
  7 | 无父 | Under the second root | vip
"""


def test_a_broken_outline_is_refused_with_every_problem_and_nothing_written(now, admin):
    SkillGroup.objects.filter(code="gov").update(active=False)  # inactive, still in the menu
    before = ivr_outline()
    with pytest.raises(IvrOutlineError) as caught:
        do_replace_ivr_tree(now=now, actor=admin, outline=BROKEN)
    messages = {p.line: p.message for p in caught.value.problems}
    assert sorted(messages) == [3, 4, 5, 6, 7, 8, 11, 12, 13], caught.value.problems
    assert "no key leads here: line 2 sends callers to skill group 'mobile'" in messages[3]
    assert "key 1 is already used on line 2" in messages[4]
    assert "'A' is not one of 0-9, * or #" in messages[5]
    assert "has no options" in messages[6]
    assert "unknown skill group 'nosuch'" in messages[7]
    assert "skill group 'gov' is inactive" in messages[8]
    assert "does not line up with the other options of the menu on line 9" in messages[11]
    assert "English prompt is empty" in messages[12]
    assert "second root" in messages[13]
    assert "line 3:" in caught.value.message and caught.value.code == CareErrorCode.INVALID
    assert ivr_outline() == before
    assert not AuditEntry.objects.filter(action="ivr_menu_replaced").exists()


@pytest.mark.parametrize(("outline", "expected"), [
    ("", "the outline is empty"),
    ("# only a comment\n", "the outline is empty"),
    ("您好 | Hello\n", "the root menu has no options"),
    ("  您好 | Hello\n    1 | a | b | mobile\n", "must not be indented"),
    ("1 | 您好 | Hello\n  1 | a | b | mobile\n", "takes no key"),
    ("您好 | Hello | mobile\n", "cannot send callers to a skill group"),
    ("您好 | Hello\n  1 | a | b | mobile | extra\n", "too many '|'"),
    ("您好 | Hello\n  1 | a\n", "expected 'key | prompt zh | prompt en | skill group'"),
    ("您好 | Hello\n  12 | a | b | mobile\n", "'12' is not one of"),
])
def test_outline_problems(outline, expected):
    check = check_ivr_outline(outline)
    assert not check.ok
    assert any(expected in str(p) for p in check.problems), check.problems


def test_full_width_input_hash_key_and_comments_are_understood():
    outline = ("您好 | Hello\n"
               "  # a comment line\n"
               "\t１ ｜ 移动 ｜ Mobile ｜ mobile\n"
               "\t# | 返回 | Back | fixed\n"
               "    * | 人工 | Agent | repair\n")  # a tab counts as four spaces
    root, problems = parse_outline(outline)
    assert problems == []
    assert [(c.key, c.group_code) for c in root.children] == [("1", "mobile"), ("#", "fixed"),
                                                              ("*", "repair")]
    groups = check_ivr_outline(outline)
    assert groups.ok
    assert set(groups.unreachable_groups) == {"complaint", "gov", "vip"}


def test_check_outline_is_pure_python():
    check = check_outline("x | y\n  1 | a | b | g\n", {})
    assert [str(p) for p in check.problems] == ["line 2: unknown skill group 'g' (known: none)"]


def test_only_administrators_change_the_menu(now, agent):
    with pytest.raises(CareError) as caught:
        do_replace_ivr_tree(now=now, actor=agent, outline=SIMPLE)
    assert caught.value.code == CareErrorCode.FORBIDDEN


# --- skill groups ------------------------------------------------------------------------------


def test_create_and_edit_a_skill_group(now, admin):
    group = do_create_skill_group(now=now, actor=admin, code="roaming", name_zh="国际漫游",
                                  name_en="International roaming", service_level_seconds=20)
    assert group.position == 7 and group.active
    do_update_skill_group(now=now, actor=admin, group=group, service_level_seconds=10)
    group.refresh_from_db()
    assert group.service_level_seconds == 10
    actions = list(AuditEntry.objects.filter(target_type="care.SkillGroup",
                                             target_id="roaming").values_list("action", flat=True))
    assert sorted(actions) == ["skill_group_changed", "skill_group_created"]
    assert [g.code for g in unreachable_skill_groups()] == ["roaming"]


@pytest.mark.parametrize("seconds", [0, -5, 3601])
def test_the_threshold_must_be_positive(now, admin, seconds):
    group = SkillGroup.objects.get(code="mobile")
    with pytest.raises(CareError, match="threshold"):
        do_update_skill_group(now=now, actor=admin, group=group, service_level_seconds=seconds)
    group.refresh_from_db()
    assert group.service_level_seconds == 15


def test_skill_group_codes_are_checked(now, admin):
    with pytest.raises(CareError, match="lower-case"):
        do_create_skill_group(now=now, actor=admin, code="Bad Code", name_zh="x", name_en="x")
    with pytest.raises(CareError, match="taken"):
        do_create_skill_group(now=now, actor=admin, code="mobile", name_zh="x", name_en="x")
    with pytest.raises(CareError, match="Chinese name is required"):
        do_create_skill_group(now=now, actor=admin, code="new", name_zh=" ", name_en="x")


def test_a_group_in_the_menu_cannot_be_deactivated(now, admin):
    mobile = SkillGroup.objects.get(code="mobile")
    with pytest.raises(CareError, match="still named in the IVR menu"):
        do_update_skill_group(now=now, actor=admin, group=mobile, active=False)
    outline = "\n".join(line for line in SIMPLE.splitlines() if "| mobile" not in line)
    do_replace_ivr_tree(now=now, actor=admin, outline=outline)
    do_update_skill_group(now=now, actor=admin, group=mobile, active=False)
    mobile.refresh_from_db()
    assert not mobile.active
    # An inactive group may not come back into the menu.
    assert any("inactive" in str(p) for p in check_ivr_outline(SIMPLE).problems)


# --- the queue map ---------------------------------------------------------------------------


def test_map_an_unknown_queue_to_a_group(now, admin):
    make_call(queue="10000-overflow", at=now, wait=3)
    make_call(queue="10000-overflow", at=now, wait=4, outcome="abandoned")
    rows = queues_with_call_counts()
    assert (rows[0].queue.name, rows[0].calls, rows[0].mapped) == ("10000-overflow", 2, False)
    queue = do_map_queue(now=now, actor=admin, queue_name="10000-overflow", group_code="mobile")
    assert queue.skill_group.code == "mobile"
    entry = AuditEntry.objects.get(action="queue_mapped")
    assert entry.target_id == "10000-overflow"
    assert entry.details == {"before": None, "after": "mobile", "created": False}
    assert all(row.mapped for row in queues_with_call_counts())


def test_map_a_queue_before_it_appears_and_unmap_it(now, admin):
    queue = do_map_queue(now=now, actor=admin, queue_name=" 10000-new ", group_code="vip")
    assert queue.name == "10000-new" and queue.skill_group.code == "vip"
    queue = do_map_queue(now=now, actor=admin, queue_name="10000-new", group_code=None)
    assert queue.skill_group is None
    assert AuditEntry.objects.filter(action="queue_mapped").count() == 2


def test_queue_mapping_refusals(now, admin, agent):
    with pytest.raises(CareError, match="unknown skill group 'nope'"):
        do_map_queue(now=now, actor=admin, queue_name="10000-x", group_code="nope")
    with pytest.raises(CareError) as caught:
        do_map_queue(now=now, actor=agent, queue_name="10000-x", group_code="mobile")
    assert caught.value.code == CareErrorCode.FORBIDDEN
    with pytest.raises(CareError, match="required"):
        do_map_queue(now=now, actor=admin, queue_name="  ", group_code="mobile")
    assert not HotlineQueue.objects.filter(name="10000-x").exists()
