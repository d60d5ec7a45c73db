"""Finished complaints from a legacy system: the record and the file format. Pure:
nothing here reads or writes the database.

``FinishedComplaint`` is one complaint received and replied to in the past, with
the subscriber's survey answer when there was one.
``care.services.complaint_history.do_import_finished_complaints`` stores it as the
services would have left it once closed.

The file is a CSV export read by ``core.tabular`` (UTF-8 with or without BOM, or
GBK/GB18030; commas or tabs; English or Chinese headers; unknown columns ignored
with a notice)::

    legacy_id,received_at,replied_at,category,channel,number,summary,satisfaction,surveyed_at
    TS-1001,2025/10/20 08:00,2025/10/21 10:30,计费,10000号,13812345678,多扣费,1,2025/10/22

Required: ``legacy_id`` (the legacy system's complaint id: a re-run skips what
was imported), ``received_at``, ``replied_at``. ``satisfaction`` is read like a
survey reply (``1``/``2``/``3``, ``满意``/``基本满意``/``不满意``, English words);
empty means no survey answer. ``surveyed_at`` defaults to ``replied_at``.
``unit`` (a branch code or name) and ``area`` place a complaint whose number is
not a line in telcodesk; ``handler`` is a staff username (default: the importer).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

from telcodesk.care.errors import CareError, CareErrorCode
from telcodesk.care.models.complaints import ComplaintCategory, ComplaintChannel
from telcodesk.care.parsers.surveys import parse_survey_answer
from telcodesk.core.tabular import (
    Column,
    Problems,
    ValueProblem,
    normalise_name,
    parse_datetime,
    read_bytes,
    read_table,
)

MAX_REPORTED_ERRORS = 10
AREAS = ("urban", "rural")
SUMMARY_MAX = 200

COMPLAINT_COLUMNS: tuple[Column, ...] = (
    Column("legacy_id", ("id", "complaint_id", "external_id", "投诉单号", "投诉编号", "工单号",
                         "工单编号", "流水号", "受理单号")),
    Column("received_at", ("received", "accepted_at", "受理时间", "投诉时间", "登记时间",
                           "申告时间")),
    Column("replied_at", ("replied", "answered_at", "回复时间", "答复时间", "办结时间",
                          "处理完成时间")),
    Column("category", ("type", "投诉类别", "投诉类型", "问题分类", "投诉分类"),
           required=False),
    Column("channel", ("source", "投诉渠道", "受理渠道", "渠道", "投诉来源"), required=False),
    Column("number", ("phone", "contact_number", "投诉号码", "用户号码", "联系电话",
                      "业务号码", "主叫号码"), required=False),
    Column("summary", ("subject", "details", "投诉内容", "投诉摘要", "摘要", "标题"),
           required=False),
    Column("reply", ("reply_text", "result", "回复内容", "答复内容", "处理结果"),
           required=False),
    Column("satisfaction", ("survey", "survey_answer", "满意度", "回访结果", "评价",
                            "满意度评价"), required=False),
    Column("surveyed_at", ("survey_at", "answered", "回访时间", "评价时间"), required=False),
    Column("handler", ("staff", "处理人", "承办人"), required=False),
    Column("unit", ("unit_code", "branch", "org_unit", "地市", "区县", "分公司", "所属单位",
                    "单位", "单位编码"), required=False),
    Column("area", ("城乡", "城乡属性", "城乡类型", "区域类型"), required=False),
)
REQUIRED_COLUMNS = tuple(c.name for c in COMPLAINT_COLUMNS if c.required)

_CATEGORY_NAMES = {
    "计费": "billing", "话费": "billing", "收费": "billing", "计费收费": "billing",
    "网络": "network", "网络质量": "network", "信号": "network",
    "服务态度": "attitude", "态度": "attitude",
    "增值业务": "vas_charges", "增值业务收费": "vas_charges", "sp": "vas_charges",
    "垃圾短信": "spam", "骚扰电话": "spam", "不良信息": "spam",
    "装移修": "delay", "装机": "delay", "维修": "delay", "时限": "delay",
    "套餐": "package", "资费": "package", "套餐资费": "package",
    "个人信息": "privacy", "隐私": "privacy", "其他": "other", "其它": "other",
}
_CHANNEL_NAMES = {
    "10000": "hotline", "10000号": "hotline", "热线": "hotline", "客服热线": "hotline",
    "网厅": "self_service", "网上营业厅": "self_service", "app": "self_service",
    "自助": "self_service", "短信": "sms", "在线客服": "chat", "在线": "chat",
    "营业厅": "counter", "柜台": "counter", "质监": "supervision_line",
    "质量监督": "supervision_line", "信函": "letter", "来信": "letter",
    "工信部": "regulator", "管局": "regulator", "申诉": "regulator", "通信管理局": "regulator",
}
_AREA_NAMES = {"城市": "urban", "城镇": "urban", "市区": "urban", "城区": "urban",
               "农村": "rural", "乡村": "rural", "乡镇": "rural"}


@dataclass(frozen=True)
class FinishedComplaint:
    """A complaint received and replied to in the past (``satisfaction`` empty: the
    subscriber gave no survey answer). ``line`` is the source line in a file."""

    legacy_id: str
    received_at: dt.datetime
    replied_at: dt.datetime
    category: str = ComplaintCategory.OTHER
    channel: str = ComplaintChannel.HOTLINE
    number: str = ""
    summary: str = ""
    reply: str = ""
    satisfaction: str = ""
    satisfaction_text: str = ""
    surveyed_at: dt.datetime | None = None
    handler: str = ""
    unit: str = ""
    area: str = ""
    line: int | None = None

    @property
    def answered_at(self) -> dt.datetime:
        return self.surveyed_at or self.replied_at

    def problems(self) -> list[str]:
        """What is wrong with the record itself (no database needed); empty if nothing."""
        found: list[str] = []
        if not self.legacy_id.strip():
            found.append("the legacy complaint id is missing")
        if self.category not in ComplaintCategory.values:
            found.append(f"unknown category {self.category!r}")
        if self.channel not in ComplaintChannel.values:
            found.append(f"unknown channel {self.channel!r}")
        if self.area and self.area not in AREAS:
            found.append(f"unknown area {self.area!r} (one of {', '.join(AREAS)})")
        times = [self.received_at, self.replied_at, self.answered_at]
        if any(t.tzinfo is None or t.utcoffset() is None for t in times):
            found.append("a time needs a time zone")
            return found
        if self.replied_at < self.received_at:
            found.append("replied before it was received")
        if self.satisfaction and self.answered_at < self.replied_at:
            found.append("the survey was answered before the reply")
        return found


def ref(record: FinishedComplaint) -> str:
    where = f"line {record.line}" if record.line is not None else "complaint"
    return f"{where} ({record.legacy_id})"


@dataclass
class ComplaintFile:
    complaints: list[FinishedComplaint]
    warnings: list[str] = field(default_factory=list)


def _refused(prefix: str, problems: Problems) -> CareError:
    if problems.refused_whole:
        return CareError(CareErrorCode.INVALID, f"{prefix}{problems.listed_errors()[0].message}")
    listed = problems.listed_errors()[:MAX_REPORTED_ERRORS]
    more = problems.error_count - len(listed)
    return CareError(CareErrorCode.INVALID,
                     f"{prefix}{problems.error_count} bad line(s), nothing imported: "
                     + "; ".join(str(p) for p in listed)
                     + (f" (and {more} more)" if more else ""))


def read_complaint_file(source: bytes | str | IO[bytes] | IO[str], *, zone: dt.tzinfo,
                        name: str = "") -> ComplaintFile:
    """Read an export of finished complaints (see the module's docstring).

    Any wrong line refuses the whole file with a ``CareError`` naming the lines
    (the first ``MAX_REPORTED_ERRORS``); a file that is no table at all is
    refused in one line.
    """
    prefix = f"{name}: " if name else ""
    problems = Problems(limit=MAX_REPORTED_ERRORS)
    table = read_table(read_bytes(source), COMPLAINT_COLUMNS, problems)
    if table is None:
        raise _refused(prefix, problems)
    records: list[FinishedComplaint] = []
    seen: dict[str, int] = {}
    for line, cells in table.records:
        try:
            record = _record(table.value, cells, zone=zone, line=line, problems=problems)
        except ValueError as exc:
            problems.error(line, str(exc))
            continue
        found = record.problems()
        first = seen.setdefault(record.legacy_id, line)
        if first != line:
            found.append(f"complaint {record.legacy_id} appears twice (first on line {first})")
        if found:
            problems.error(line, "; ".join(found))
        records.append(record)
    if not problems.ok:
        raise _refused(prefix, problems)
    if not records:
        raise CareError(CareErrorCode.INVALID, f"{prefix}the file holds no complaints")
    return ComplaintFile(complaints=records, warnings=problems.warning_lines())


def _record(value: Callable[[list[str], str], str], cells: list[str], *, zone: dt.tzinfo,
            line: int, problems: Problems) -> FinishedComplaint:
    def cell(column: str) -> str:
        return value(cells, column)

    for column in REQUIRED_COLUMNS:
        if not cell(column):
            raise ValueError(f"{column} is empty")
    try:
        received = parse_datetime(cell("received_at"), zone)
        replied = parse_datetime(cell("replied_at"), zone)
        surveyed = parse_datetime(cell("surveyed_at"), zone) if cell("surveyed_at") else None
    except ValueProblem as exc:
        raise ValueError(f"time: {exc}") from None
    category = _named(cell("category"), _CATEGORY_NAMES, ComplaintCategory.values)
    if category is None:
        problems.warn(line, f"category {cell('category')!r} read as other")
        category = ComplaintCategory.OTHER
    channel = _named(cell("channel"), _CHANNEL_NAMES, ComplaintChannel.values)
    if channel is None:
        problems.warn(line, f"channel {cell('channel')!r} read as hotline")
        channel = ComplaintChannel.HOTLINE
    answer_text = cell("satisfaction")
    satisfaction = ""
    if answer_text:
        answer = parse_survey_answer(answer_text)
        if answer is None:
            raise ValueError(f"satisfaction {answer_text!r} is not a survey answer (1, 2, 3, "
                             "满意, 基本满意, 不满意)")
        satisfaction = str(answer)
    area = cell("area")
    return FinishedComplaint(
        legacy_id=cell("legacy_id")[:100], received_at=received, replied_at=replied,
        category=category or ComplaintCategory.OTHER,
        channel=channel or ComplaintChannel.HOTLINE, number=cell("number"),
        summary=" ".join(cell("summary").split())[:SUMMARY_MAX], reply=cell("reply"),
        satisfaction=satisfaction, satisfaction_text=answer_text[:500], surveyed_at=surveyed,
        handler=cell("handler"), unit=cell("unit"),
        area=_AREA_NAMES.get(normalise_name(area), normalise_name(area)) if area else "",
        line=line)


def _named(text: str, names: dict[str, str], values: list[str]) -> str | None:
    """The choice a cell names (empty: ``""``, the default applies); ``None`` if unknown."""
    if not text:
        return ""
    key = normalise_name(text)
    found = names.get(key, key)
    return found if found in values else None
