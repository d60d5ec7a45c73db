"""The IVR menu as a text outline an administrator edits: parse, check, write back.

One node per line, indentation for depth::

    # the root menu: its two prompts (no key)
    您好，欢迎致电10000号客服热线…… | Welcome to the 10000 hotline ...
      1 | 移动业务请按1 | Mobile services: press 1 | mobile
      2 | 固话宽带业务请按2 | Fixed line and broadband: press 2
        1 | 业务办理请按1 | Orders and enquiries: press 1 | fixed
        2 | 故障报修请按2 | Report a fault: press 2 | repair

- The first line is the root menu: ``prompt zh | prompt en``, not indented.
- Every other line is ``key | prompt zh | prompt en | skill group code``; leave the
  group out (or blank) for a submenu, whose options are the lines indented under it.
- A key is one of ``0-9 * #``; full-width characters (``１``, ``＃``, ``｜``) typed
  with a Chinese input method are read as their ASCII forms.
- Blank lines and comments are ignored: a comment starts with ``#`` (but ``# | ...``
  is an option on the ``#`` key). A tab counts as four spaces.

This module is pure Python (no database): ``check_outline`` is given the skill
groups that exist and answers every problem with its line number, so a page can
show them all at once and ``care.services.ivr.do_replace_ivr_tree`` can refuse the
whole outline before writing anything.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

VALID_KEYS = frozenset("0123456789*#")
# Keypad order, for showing a menu's options the way a caller reads them.
KEY_ORDER = "1234567890*#"
PROMPT_MAX_LENGTH = 300
INDENT = "  "
SEPARATOR = "|"


def key_sort_index(key: str) -> int:
    return KEY_ORDER.index(key) if key in KEY_ORDER else len(KEY_ORDER)


@dataclass
class OutlineNode:
    """One parsed line. ``key`` is empty for the root; ``group_code`` empty for a submenu."""

    line: int
    indent: int
    key: str
    prompt_zh: str
    prompt_en: str
    group_code: str = ""
    children: list[OutlineNode] = field(default_factory=list)

    @property
    def is_group(self) -> bool:
        return bool(self.group_code)

    def walk(self) -> Iterable[OutlineNode]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class OutlineProblem:
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass(frozen=True)
class GroupInfo:
    """What the checker needs to know about a skill group."""

    code: str
    active: bool


@dataclass
class OutlineCheck:
    root: OutlineNode | None
    problems: list[OutlineProblem]
    # Active skill groups no key leads to: allowed (a group may be reached another
    # way, e.g. VIP callers routed by their number) but worth a warning.
    unreachable_groups: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems and self.root is not None


def _normalise(text: str) -> str:
    # NFKC turns full-width digits, ＊ ＃ and ｜ into ASCII; the ideographic space into " ".
    return unicodedata.normalize("NFKC", text.replace("\t", "    ")).replace("\u3000", "  ")


def _is_comment(text: str) -> bool:
    # "# | prompt | prompt | group" is an option on the # key, not a comment.
    return bool(re.match(r"\s*#(?!\s*\|)", text))


def _cells(text: str) -> list[str]:
    return [cell.strip() for cell in text.split(SEPARATOR)]


def _check_prompts(line: int, zh: str, en: str, problems: list[OutlineProblem]) -> None:
    for label, prompt in (("Chinese", zh), ("English", en)):
        if not prompt:
            problems.append(OutlineProblem(line, f"the {label} prompt is empty"))
        elif len(prompt) > PROMPT_MAX_LENGTH:
            problems.append(OutlineProblem(
                line, f"the {label} prompt has {len(prompt)} characters; at most "
                      f"{PROMPT_MAX_LENGTH}"))


def _parse_root(line: int, indent: int, cells: list[str],
                problems: list[OutlineProblem]) -> OutlineNode:
    if indent:
        problems.append(OutlineProblem(line, "the first line is the root menu and must not be "
                                             "indented"))
    if len(cells) == 2:
        zh, en = cells
    elif len(cells) >= 3 and (cells[0] == "" or _normalise(cells[0]) in VALID_KEYS):
        if cells[0]:
            problems.append(OutlineProblem(
                line, "the first line is the root menu and takes no key: write "
                      "'prompt zh | prompt en'"))
        zh, en = cells[1], cells[2]
        if any(cells[3:]):
            problems.append(OutlineProblem(line, "the root menu cannot send callers to a "
                                                 "skill group; give it options instead"))
    elif len(cells) >= 3:
        zh, en = cells[0], cells[1]
        problems.append(OutlineProblem(line, "the root menu cannot send callers to a "
                                             "skill group; give it options instead"))
    else:
        problems.append(OutlineProblem(
            line, "the first line is the root menu: write 'prompt zh | prompt en'"))
        return OutlineNode(line=line, indent=indent, key="", prompt_zh=cells[0], prompt_en="")
    _check_prompts(line, zh, en, problems)
    return OutlineNode(line=line, indent=indent, key="", prompt_zh=zh, prompt_en=en)


def _parse_option(line: int, indent: int, cells: list[str],
                  problems: list[OutlineProblem]) -> OutlineNode:
    if len(cells) < 3:
        problems.append(OutlineProblem(
            line, "expected 'key | prompt zh | prompt en | skill group' (the group is left "
                  "blank for a submenu)"))
        cells = ([*cells, "", "", ""])[:3]
    elif len(cells) > 4:
        problems.append(OutlineProblem(line, f"too many '{SEPARATOR}': a line has at most "
                                             "four columns"))
    key, zh, en = cells[0], cells[1], cells[2]
    group = cells[3] if len(cells) > 3 else ""
    if key not in VALID_KEYS:
        shown = key or "(empty)"
        problems.append(OutlineProblem(line, f"key {shown!r} is not one of 0-9, * or #"))
    _check_prompts(line, zh, en, problems)
    return OutlineNode(line=line, indent=indent, key=key, prompt_zh=zh, prompt_en=en,
                       group_code=group)


def parse_outline(outline: str) -> tuple[OutlineNode | None, list[OutlineProblem]]:
    """The tree an outline describes, and what is wrong with its lines and indentation."""
    problems: list[OutlineProblem] = []
    root: OutlineNode | None = None
    stack: list[OutlineNode] = []
    # A menu's options must line up: the indentation of its first option.
    child_indent: dict[int, int] = {}
    for number, raw in enumerate(outline.splitlines(), start=1):
        text = _normalise(raw).rstrip()
        if not text.strip() or _is_comment(text):
            continue
        indent = len(text) - len(text.lstrip(" "))
        cells = _cells(text.strip())
        if root is None:
            root = _parse_root(number, indent, cells, problems)
            stack = [root]
            continue
        line_problems: list[OutlineProblem] = []
        node = _parse_option(number, indent, cells, line_problems)
        if indent <= root.indent:
            problems.append(OutlineProblem(
                number, f"a second root menu: only line {root.line} starts at the left margin, "
                        "so no key leads here; indent this line under a menu"))
            stack = [node]  # lines indented under it belong to it (and are unreachable too)
            continue
        problems.extend(line_problems)
        while stack and stack[-1].indent >= indent:
            stack.pop()
        parent = stack[-1]
        expected = child_indent.setdefault(parent.line, indent)
        if indent != expected:
            problems.append(OutlineProblem(
                number, f"the indentation does not line up with the other options of the menu "
                        f"on line {parent.line}, so it has no parent menu"))
        parent.children.append(node)
        stack.append(node)
    return root, problems


def check_outline(outline: str, groups: Mapping[str, GroupInfo]) -> OutlineCheck:
    """Parse and check a whole outline against the known skill groups.

    Problems (each refuses the outline): bad lines, a key used twice in one menu, a
    key outside 0-9*#, a line no key leads to (under a skill-group line, a second
    root, an indentation that lines up with no menu), a submenu without options, a
    skill group that is unknown or inactive, an empty outline.
    """
    root, problems = parse_outline(outline)
    if root is None:
        problems.append(OutlineProblem(None, "the outline is empty: write the root menu and "
                                             "at least one option"))
        return OutlineCheck(None, problems, [])
    reached: set[str] = set()
    for node in root.walk():
        seen: dict[str, int] = {}
        for child in node.children:
            if child.key in seen and child.key in VALID_KEYS:
                problems.append(OutlineProblem(
                    child.line, f"key {child.key} is already used on line {seen[child.key]} "
                                f"in the same menu"))
            seen.setdefault(child.key, child.line)
        if node.is_group:
            info = groups.get(node.group_code)
            if info is None:
                known = ", ".join(sorted(groups)) or "none"
                problems.append(OutlineProblem(
                    node.line, f"unknown skill group {node.group_code!r} (known: {known})"))
            elif not info.active:
                problems.append(OutlineProblem(
                    node.line, f"skill group {node.group_code!r} is inactive"))
            else:
                reached.add(node.group_code)
            for child in node.children:
                problems.append(OutlineProblem(
                    child.line, f"no key leads here: line {node.line} sends callers to skill "
                                f"group {node.group_code!r}, so the lines under it are never "
                                "reached"))
        elif not node.children:
            problems.append(OutlineProblem(
                node.line, "the root menu has no options: indent keyed lines under it"
                if node is root else
                "this submenu has no options: indent keyed lines under it or name a skill "
                "group"))
    problems.sort(key=lambda p: (p.line or 0))
    unreachable = sorted(code for code, info in groups.items()
                         if info.active and code not in reached)
    return OutlineCheck(root, problems, unreachable)


def format_outline(root: OutlineNode | None) -> str:
    """The outline text of a tree (the inverse of ``parse_outline``)."""
    if root is None:
        return ""
    lines = [f"{root.prompt_zh} {SEPARATOR} {root.prompt_en}"]

    def add(node: OutlineNode, depth: int) -> None:
        columns = [node.key, node.prompt_zh, node.prompt_en]
        if node.group_code:
            columns.append(node.group_code)
        lines.append(INDENT * depth + f" {SEPARATOR} ".join(columns))
        for child in sorted(node.children, key=lambda c: key_sort_index(c.key)):
            add(child, depth + 1)

    for child in sorted(root.children, key=lambda c: key_sort_index(c.key)):
        add(child, 1)
    return "\n".join(lines) + "\n"
