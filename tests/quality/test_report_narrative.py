"""The report's words: defaults, saving, validation, Markdown into other documents."""

from __future__ import annotations

import pytest

from telcodesk.core.models import AuditEntry
from telcodesk.core.roles import Role
from telcodesk.quality.errors import QualityError
from telcodesk.quality.indicators.periods import parse_period
from telcodesk.quality.models import ReportNarrative
from telcodesk.quality.report.narrative import (
    MAX_INTRODUCTION,
    MAX_SECTIONS,
    load_narrative,
    markdown_blocks,
)
from telcodesk.quality.services.reports import do_save_narrative

pytestmark = pytest.mark.django_db
H2 = parse_period("2025H2")


@pytest.fixture
def manager(org, make_staff):
    return make_staff("quality", org.province, Role.QUALITY_MANAGER)


def save(now, actor, **overrides):
    values = {"period_code": "2025H2", "unit": None, "introduction": "简介",
              "sections": [{"title": "措施一", "body": "正文"}],
              "declaration": "本报告内容客观、真实、准确。"}
    values.update(overrides)
    return do_save_narrative(now=now, actor=actor, **values)


def test_defaults_until_something_is_saved(org):
    words = load_narrative(period=H2)
    assert not words.saved
    assert words.introduction.startswith("演示电信依法经营电信业务")
    assert "2025年下半年" in words.introduction
    assert [s.title for s in words.sections] == [
        "围绕服务标准，持续推动服务能力的提升", "依托服务标准，落实举措，践行承诺",
        "依法诚信经营，切实维护客户的选择权、知情权等合法权益",
        "多方位多渠道倾听用户心声，畅通用户信息反馈渠道",
        "提升网络通信质量，多种措施保障通信网络安全和畅通"]
    assert all(s.is_empty for s in words.sections) and words.written_sections == ()
    assert words.declaration == "本报告内容客观、真实、准确。"
    english = load_narrative(period=H2, language="en")
    assert english.declaration == "The content of this report is objective, true and accurate."


def test_save_then_replace(now, manager, org):
    first = save(now, manager, sections=[{"title": " 措施一 ", "body": "正文\r\n第二行"},
                                         {"title": "", "body": "  "}])  # a blank row: dropped
    assert first.sections == [{"title": "措施一", "body": "正文\n第二行"}]
    words = load_narrative(period=H2)
    assert words.saved and words.updated_by == "quality" and words.updated_at == now
    second = save(now, manager, declaration="  本报告  真实。 ", unit=org.operator)
    assert second.pk == first.pk and ReportNarrative.objects.count() == 1
    assert load_narrative(period=H2).declaration == "本报告 真实。"
    assert list(AuditEntry.objects.filter(action__startswith="report.narrative")
                .values_list("action", flat=True).order_by("id")) == [
        "report.narrative.create", "report.narrative.update"]


def test_words_are_kept_per_period_and_unit(now, manager, org):
    save(now, manager, introduction="全公司")
    save(now, manager, unit=org.taiyuan, introduction="太原")
    save(now, manager, period_code="2025-07", introduction="七月")
    assert load_narrative(period=H2).introduction == "全公司"
    assert load_narrative(period=H2, unit=org.taiyuan).introduction == "太原"
    assert load_narrative(period=parse_period("2025-07")).introduction == "七月"
    assert not load_narrative(period=H2, unit=org.datong).saved


@pytest.mark.parametrize(("overrides", "message"), [
    ({"sections": [{"title": "", "body": "正文"}]}, "section 1 has no title"),
    ({"sections": [{"title": "一\n二", "body": ""}]}, "must be one line"),
    ({"sections": [{"title": "长" * 201, "body": ""}]}, "at most 200 are allowed"),
    ({"sections": [{"title": "t", "body": "长" * 20_001}]}, "at most 20000 are allowed"),
    ({"sections": [{"title": f"t{i}", "body": ""} for i in range(MAX_SECTIONS + 1)]},
     "at most 30 are allowed"),
    ({"sections": ["not a section"]}, "must have a title and a body"),
    ({"introduction": "字" * (MAX_INTRODUCTION + 1)}, "the introduction has 20001 characters"),
    ({"declaration": "   "}, "the declaration line is required"),
    ({"declaration": "长" * 301}, "at most 300 are allowed"),
    ({"period_code": "2025H3"}, "unknown period"),
])
def test_bad_words_are_refused_and_nothing_is_saved(now, manager, overrides, message):
    with pytest.raises(QualityError) as error:
        save(now, manager, **overrides)
    assert message in error.value.message
    assert ReportNarrative.objects.count() == 0


def test_an_outlet_keeps_no_words(now, manager, org):
    with pytest.raises(QualityError, match="operator, a city or a county"):
        save(now, manager, unit=org.xiaodian_outlet)


def test_markdown_blocks_for_documents_that_are_not_html():
    blocks = markdown_blocks("## 小标题\n\n第一段\n第二行\n\n- 甲\n- 乙\n  1. 丙\n\n"
                             "| 项目 | 数量 |\n|---|---|\n| 基站 | 12 |\n\n```\ncode\n```\n\n"
                             "> 引用 <b>粗</b>")
    assert [b.kind for b in blocks] == ["heading", "paragraph", "bullets", "table", "code",
                                        "paragraph"]
    assert blocks[0].text == "小标题"
    assert blocks[1].text == "第一段第二行"  # Chinese lines join without a space
    assert blocks[2].items == ("甲", "乙", "  1. 丙")
    assert blocks[3].rows == (("项目", "数量"), ("基站", "12"))
    assert blocks[4].text == "code"
    assert blocks[5].text == "引用 <b>粗</b>"  # shown as typed, never interpreted
