"""Message kinds and templates: safe rendering, checked placeholders, SMS length."""

from __future__ import annotations

import pytest

from telcodesk.core.models import AuditEntry
from telcodesk.core.roles import Role
from telcodesk.notify.errors import NotifyError, NotifyErrorCode
from telcodesk.notify.kinds import KINDS, LANGUAGES, REMINDER_KINDS, Category, get_kind
from telcodesk.notify.models import MessageTemplate
from telcodesk.notify.selectors import template_rows
from telcodesk.notify.services import do_save_template
from telcodesk.notify.templating import check_template, render, sample_context
from tests.notify.support import at, reminder

pytestmark = pytest.mark.django_db

ELEVEN = {"activation", "package_change", "password_changed", "points_redeemed",
          "roaming_opened", "payment_received", "service_ordered", "service_cancelled",
          "suspension", "reconnection", "work_order_completed"}


def test_the_eleven_reminders_and_the_other_kinds_are_registered():
    assert set(REMINDER_KINDS) == ELEVEN
    for code in ("repair_progress", "one_time_code", "deadline_warning", "deadline_breached",
                 "complaint_escalated", "marketing", "free_text"):
        assert code in KINDS
    assert get_kind("one_time_code").category == Category.CODE
    assert get_kind("complaint_escalated").category == Category.ALERT
    assert get_kind("marketing").category == Category.MARKETING
    for kind in KINDS.values():
        for language in LANGUAGES:
            # Every shipped template passes the check administrators' templates must pass.
            check_template(kind.templates[language], kind.placeholders)


def test_render_fills_named_placeholders_and_formats_instants_in_the_operator_zone():
    kind = get_kind("package_change")
    text = render(kind.templates["zh-hans"],
                  {"number": "18912345678", "time": at(10, 5), "package": "天翼畅享129元"},
                  language="zh-hans")
    assert text == ("【演示电信】尊敬的客户，您的18912345678已于2025年9月30日10:05成功办理"
                    "套餐变更，新套餐为天翼畅享129元，次月生效。如有疑问请致电10000。")
    # A number stored in E.164 reads as the subscriber dials it; a package named
    # "…套餐" does not read "套餐套餐".
    text = render(kind.templates["zh-hans"], {"number": "+8618138412506", "time": at(10, 5),
                                              "package": "天翼59元套餐"}, language="zh-hans")
    assert "您的18138412506已于" in text and "+86" not in text and "套餐套餐" not in text
    english = render(kind.templates["en"], {"number": "1", "time": at(10, 5), "package": "P"},
                     language="en")
    assert "2025-09-30 10:05" in english


def test_a_missing_context_value_is_named():
    with pytest.raises(NotifyError) as caught:
        render("{number} {time}", {"number": "1"}, language="zh-hans")
    assert caught.value.code == NotifyErrorCode.MISSING_CONTEXT
    assert "time" in caught.value.message


@pytest.mark.parametrize("template", ["{number.__class__}", "{number[0]}", "{number!r}",
                                      "{number:>20}", "{0}", "{", "}"])
def test_attribute_index_conversion_and_malformed_placeholders_are_refused(template):
    with pytest.raises(NotifyError) as caught:
        check_template(template, ("number",))
    assert caught.value.code == NotifyErrorCode.BAD_TEMPLATE


def test_literal_braces_are_allowed():
    assert render("{{x}} {number}", {"number": "1"}, language="en") == "{x} 1"


def test_saving_a_template_with_an_unknown_placeholder_is_refused_listing_the_allowed(
        org, make_staff, now):
    admin = make_staff("admin", org.taiyuan, Role.ADMINISTRATOR)
    with pytest.raises(NotifyError) as caught:
        do_save_template(now=now, kind="payment_received", language="zh-hans",
                         body="您的{number}缴费{amount}元，积分{points}", actor=admin)
    assert caught.value.code == NotifyErrorCode.UNKNOWN_PLACEHOLDER
    message = caught.value.message
    assert "{points}" in message
    for allowed in ("{number}", "{time}", "{amount}", "{balance}"):
        assert allowed in message
    assert not MessageTemplate.objects.exists()


def test_a_saved_template_overrides_the_shipped_one_and_is_audited(org, make_staff, now):
    admin = make_staff("admin", org.taiyuan, Role.ADMINISTRATOR)
    do_save_template(now=now, kind="payment_received", language="zh-hans",
                     body="【演示电信】{number}到账{amount}元，余额{balance}元。", actor=admin)
    message = reminder(now)
    assert message.body == "【演示电信】18912345678到账100.00元，余额186.50元。"
    assert AuditEntry.objects.filter(action="notify.template.save").count() == 1


def test_length_and_segments_of_a_chinese_template_as_the_sms_centre_counts_them():
    rows = {(row.kind.code, row.language): row for row in template_rows()}
    zh = rows[("package_change", "zh-hans")]
    assert zh.length.encoding == "ucs2"
    # Chinese text is UCS-2: 70 characters fit one SMS, longer texts go in parts of 67.
    assert zh.length.units == len(zh.sample)
    assert zh.length.units > 70
    assert zh.length.segments == -(-zh.length.units // 67)
    en = rows[("reconnection", "en")]
    assert en.length.encoding == "gsm7"
    assert en.length.segments == 1


def test_marketing_sample_carries_the_opt_out_line():
    rows = {(row.kind.code, row.language): row for row in template_rows()}
    assert rows[("marketing", "zh-hans")].sample.endswith("回复TD退订")
    assert rows[("marketing", "en")].sample.endswith("Reply TD to opt out")


def test_sample_context_covers_every_placeholder():
    for kind in KINDS.values():
        context = sample_context(kind.placeholders, language="zh-hans")
        assert set(context) == set(kind.placeholders)
