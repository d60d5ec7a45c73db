"""The outbox's reasons as staff read them: a Chinese sentence, the SMPP code apart."""

from __future__ import annotations

from django.utils import translation

from telcodesk.notify.reasons import explain


def test_an_smpp_status_reads_as_a_sentence_with_the_code_for_a_tooltip():
    with translation.override("zh-hans"):
        shown = explain("ESME_RINVDSTADR (0x0B): invalid destination address")
    assert shown.text == "接收号码无效"
    assert shown.code == "SMPP 状态 ESME_RINVDSTADR (0x0B)"


def test_a_receipt_and_a_retry_read_in_chinese():
    with translation.override("zh-hans"):
        receipt = explain("receipt undeliverable (error 001: absent subscriber)")
        retry = explain("retrying after attempt 2: ESME_RTHROTTLED (0x58)")
        quiet = explain("quiet hours")
    assert (receipt.text, receipt.code) == ("短信中心无法投递", "SMPP 回执错误码 001")
    assert retry.text == "第 2 次发送失败，将重试：短信中心要求降低发送速度"
    assert retry.code == "SMPP 状态 ESME_RTHROTTLED (0x58)"
    assert quiet.text.startswith("免打扰时段")


def test_a_reason_typed_by_a_person_is_shown_as_written():
    assert explain("客户要求改日发送").text == "客户要求改日发送"
    assert explain("").text == ""
