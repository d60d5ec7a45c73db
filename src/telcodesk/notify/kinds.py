"""The registry of message kinds: category, allowed placeholders, shipped templates.

Every SMS telcodesk sends is of one kind. A kind fixes

- its **category**: ``service`` (reminders after completed business, repair
  progress, operator free text), ``marketing`` (commercial: consent, opt-out
  line, quiet hours), ``alert`` (to staff) or ``code`` (one-time codes);
- the **placeholders** its templates may use (``{number}``, ``{time}``...);
- a default template per language (``zh-hans``, the default, and ``en``).

An administrator may override a template per kind and language
(``MessageTemplate``); the override may only use the kind's placeholders.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Category(StrEnum):
    SERVICE = "service"
    MARKETING = "marketing"
    ALERT = "alert"
    CODE = "code"


CATEGORY_LABELS: dict[str, Promise] = {
    Category.SERVICE: _("Service"),
    Category.MARKETING: _("Marketing"),
    Category.ALERT: _("Staff alert"),
    Category.CODE: _("One-time code"),
}

LANGUAGES = ("zh-hans", "en")
DEFAULT_LANGUAGE = "zh-hans"

# Appended to every marketing message (STANDARDS.md: a working opt-out on each).
OPT_OUT_LINES = {"zh-hans": "回复TD退订", "en": "Reply TD to opt out"}
# Replies that opt a number out of marketing (case-insensitive, trimmed).
OPT_OUT_REPLIES = frozenset({"TD", "T", "0000", "STOP", "退订"})


@dataclass(frozen=True)
class Kind:
    code: str
    category: Category
    label: str | Promise
    placeholders: tuple[str, ...]
    templates: dict[str, str]
    # One of the eleven completed-business reminders of STANDARDS.md.
    reminder: bool = False


_SIGN = "【演示电信】"

_KINDS: tuple[Kind, ...] = (
    # --- the eleven completed-business reminders ----------------------------------
    Kind("activation", Category.SERVICE, _("New activation"), ("number", "time", "package"), {
        "zh-hans": _SIGN + "尊敬的客户，您的号码{number}已于{time}成功开通，套餐为{package}。"
                   "欢迎使用演示电信服务，如有疑问请致电10000。",
        "en": "[Demo Telecom] Dear customer, your number {number} was activated at {time} on "
              "the {package} plan. Questions? Call 10000.",
    }, reminder=True),
    Kind("package_change", Category.SERVICE, _("Package change"), ("number", "time", "package"), {
        "zh-hans": _SIGN + "尊敬的客户，您的{number}已于{time}成功办理套餐变更，"
                   "新套餐为{package}，次月生效。如有疑问请致电10000。",
        "en": "[Demo Telecom] Dear customer, the change of {number} to the {package} plan was "
              "done at {time} and takes effect next month. Questions? Call 10000.",
    }, reminder=True),
    Kind("password_changed", Category.SERVICE, _("Password changed"),
         ("number", "time", "channel"), {
        "zh-hans": _SIGN + "尊敬的客户，您的{number}服务密码已于{time}通过{channel}修改成功。"
                   "如非本人操作，请立即致电10000。",
        "en": "[Demo Telecom] The service password of {number} was changed at {time} via "
              "{channel}. If this was not you, call 10000 at once.",
    }, reminder=True),
    Kind("points_redeemed", Category.SERVICE, _("Points redeemed"),
         ("number", "time", "points", "amount"), {
        "zh-hans": _SIGN + "尊敬的客户，您已于{time}使用{points}积分为{number}兑换话费{amount}元，"
                   "已到账。感谢您的支持！",
        "en": "[Demo Telecom] At {time} you redeemed {points} points for a credit of "
              "CNY {amount} on {number}. Thank you!",
    }, reminder=True),
    Kind("roaming_opened", Category.SERVICE, _("International roaming opened"),
         ("number", "time"), {
        "zh-hans": _SIGN + "尊敬的客户，您的{number}已于{time}成功开通国际及港澳台漫游业务。"
                   "出境前请确认手机支持当地网络，资费详询10000。",
        "en": "[Demo Telecom] International roaming is open on {number} since {time}. Check "
              "that your phone supports the local network; rates: call 10000.",
    }, reminder=True),
    Kind("payment_received", Category.SERVICE, _("Payment received"),
         ("number", "time", "amount", "balance"), {
        "zh-hans": _SIGN + "尊敬的客户，您于{time}为{number}缴费{amount}元已到账，"
                   "当前余额{balance}元。感谢您的支持！",
        "en": "[Demo Telecom] Your payment of CNY {amount} for {number} at {time} has been "
              "received; balance CNY {balance}. Thank you!",
    }, reminder=True),
    Kind("service_ordered", Category.SERVICE, _("Service ordered"),
         ("number", "time", "service", "fee"), {
        "zh-hans": _SIGN + "尊敬的客户，您的{number}已于{time}成功订购{service}，资费{fee}。"
                   "如需退订请致电10000。",
        "en": "[Demo Telecom] {number} subscribed to {service} at {time}; fee {fee}. "
              "To cancel, call 10000.",
    }, reminder=True),
    Kind("service_cancelled", Category.SERVICE, _("Service cancelled"),
         ("number", "time", "service"), {
        "zh-hans": _SIGN + "尊敬的客户，您的{number}已于{time}成功退订{service}，"
                   "次月起不再收取该业务费用。",
        "en": "[Demo Telecom] {service} on {number} was cancelled at {time}; it is no longer "
              "charged from next month.",
    }, reminder=True),
    Kind("suspension", Category.SERVICE, _("Suspension"), ("number", "time", "reason"), {
        "zh-hans": _SIGN + "尊敬的客户，您的{number}已于{time}办理停机（{reason}）。"
                   "恢复使用请到营业厅或致电10000办理复机。",
        "en": "[Demo Telecom] {number} was suspended at {time} ({reason}). To restore it, "
              "visit a shop or call 10000.",
    }, reminder=True),
    Kind("reconnection", Category.SERVICE, _("Reconnection"), ("number", "time"), {
        "zh-hans": _SIGN + "尊敬的客户，您的{number}已于{time}成功复机，通信服务已恢复。",
        "en": "[Demo Telecom] {number} was reconnected at {time}; service is back.",
    }, reminder=True),
    Kind("work_order_completed", Category.SERVICE, _("Work order completed"),
         ("number", "time", "work", "reference"), {
        "zh-hans": _SIGN + "尊敬的客户，您{number}的{work}工单（单号{reference}）已于{time}竣工。"
                   "如有问题请致电10000。",
        "en": "[Demo Telecom] The {work} work order {reference} for {number} was completed "
              "at {time}. Any problem? Call 10000.",
    }, reminder=True),
    # --- other service messages --------------------------------------------------------
    Kind("repair_progress", Category.SERVICE, _("Repair progress"),
         ("number", "reference", "progress"), {
        "zh-hans": _SIGN + "尊敬的客户，您{number}的故障申告（单号{reference}）"
                   "最新进展：{progress}。",
        "en": "[Demo Telecom] Fault report {reference} for {number}: {progress}.",
    }),
    Kind("vas_confirmation", Category.SERVICE, _("Value-added service confirmation request"),
         ("number", "service", "provider", "fee", "hours"), {
        "zh-hans": _SIGN + "您的{number}申请订购{provider}提供的{service}，资费{fee}。"
                   "请在{hours}小时内回复Y确认订购；不回复则不订购、不收费。",
        "en": "[Demo Telecom] {number} asked to subscribe to {service} by {provider}, fee "
              "{fee}. Reply Y within {hours} hours to confirm; without a reply nothing is "
              "ordered or charged.",
    }),
    Kind("one_time_code", Category.CODE, _("One-time code"), ("code", "minutes"), {
        "zh-hans": _SIGN + "您的验证码为{code}，{minutes}分钟内有效。请勿泄露给他人，"
                   "工作人员不会向您索取验证码。",
        "en": "[Demo Telecom] Your code is {code}, valid for {minutes} minutes. Never share "
              "it; our staff will never ask for it.",
    }),
    # --- complaints -----------------------------------------------------------------------
    Kind("complaint_received", Category.SERVICE, _("Complaint received"),
         ("reference", "deadline"), {
        "zh-hans": _SIGN + "您的投诉已受理，投诉单号{reference}，我们将于{deadline}前答复您。",
        "en": "[Demo Telecom] We have received your complaint {reference} and will reply "
              "by {deadline}.",
    }),
    Kind("complaint_replied", Category.SERVICE, _("Complaint replied"),
         ("reference", "summary"), {
        "zh-hans": _SIGN + "您的投诉（{reference}）处理结果：{summary}",
        "en": "[Demo Telecom] Your complaint {reference}: {summary}",
    }),
    Kind("satisfaction_survey", Category.SERVICE, _("Satisfaction survey"),
         ("reference", "link"), {
        "zh-hans": _SIGN + "您对投诉（{reference}）的处理是否满意？请回复数字："
                   "1满意，2基本满意，3不满意；或打开 {link} 作答。",
        "en": "[Demo Telecom] Were you satisfied with how we handled complaint {reference}? "
              "Reply 1 satisfied, 2 fairly satisfied, 3 dissatisfied, or answer at {link}",
    }),
    # --- staff alerts ---------------------------------------------------------------------
    Kind("deadline_warning", Category.ALERT, _("Deadline warning"),
         ("what", "reference", "deadline"), {
        "zh-hans": _SIGN + "预警：{what}（{reference}）将于{deadline}超时，请尽快处理。",
        "en": "[Demo Telecom] Warning: {what} {reference} is due at {deadline}; please act.",
    }),
    Kind("deadline_breached", Category.ALERT, _("Deadline breached"),
         ("what", "reference", "deadline"), {
        "zh-hans": _SIGN + "超时：{what}（{reference}）已于{deadline}超出时限，请立即处理。",
        "en": "[Demo Telecom] Overdue: {what} {reference} passed its limit at {deadline}.",
    }),
    Kind("complaint_escalated", Category.ALERT, _("Complaint escalated"),
         ("reference", "level", "summary"), {
        "zh-hans": _SIGN + "投诉升级：投诉单{reference}已升级至{level}，"
                   "摘要：{summary}。请及时跟进。",
        "en": "[Demo Telecom] Complaint {reference} escalated to {level}: {summary}.",
    }),
    # --- commercial and free text ---------------------------------------------------------
    Kind("marketing", Category.MARKETING, _("Marketing"), ("text",), {
        "zh-hans": _SIGN + "{text}",
        "en": "[Demo Telecom] {text}",
    }),
    Kind("free_text", Category.SERVICE, _("Free text"), ("text",), {
        "zh-hans": "{text}",
        "en": "{text}",
    }),
)

KINDS: dict[str, Kind] = {kind.code: kind for kind in _KINDS}
REMINDER_KINDS: tuple[str, ...] = tuple(k.code for k in _KINDS if k.reminder)


def get_kind(code: str) -> Kind:
    """The kind named ``code``; ``NotifyError`` for an unknown one."""
    from telcodesk.notify.errors import NotifyError, NotifyErrorCode

    try:
        return KINDS[code]
    except KeyError:
        raise NotifyError(NotifyErrorCode.UNKNOWN_KIND,
                          f"unknown message kind {code!r}; known kinds: "
                          f"{', '.join(sorted(KINDS))}") from None


def kind_choices() -> list[tuple[str, str | Promise]]:
    # Lazy labels: evaluating them here would freeze one language into the migrations.
    return [(k.code, k.label) for k in _KINDS]
