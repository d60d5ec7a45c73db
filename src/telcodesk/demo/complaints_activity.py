"""The demo's complaints: half a year of them, from every channel, with survey answers.

``build_demo_complaints`` writes complaints received over the half year ending
``now`` (30 per 1,000 customers, at least 40 and at most ``MAX_COMPLAINTS``: each
goes through every service of its life, about 30 ms on SQLite),
each carried through its life by the care services with the instant of every
step as ``now`` — so the SLA clocks, the timeline, the audit entries and the
survey answers are what real use would have written:

- every channel and every category occurs; hotline and billing most often;
- taken by the hotline agent or the complaint handler of the customer's city,
  walk-ins by the county's counter clerk, letters and regulator transfers by
  the complaint handler; about a quarter transferred once (owner unchanged);
  one owner reassigned by the city's branch manager, with a reason;
- most replied within the 48-hour commitment, a few late (``LATE_SHARE``), one
  or two past the regulator's 15 days and then appealed to the regulator;
- closed with the survey; answered mostly 1, some 2, a few 3 (reopened to the
  branch manager, replied again and closed), a couple not readable (and
  answered properly afterwards), some never;
- the complaints of the last days still open at ``now``: some with time left,
  some near the limit (warning), some past it (breached).

Some complaints repeat an earlier one of the same customer and category
within 30 days (the repeat flag). The history's acknowledgement and reply
notices are not written (each SMS costs time and would be cancelled anyway);
the survey SMS are, and like every SMS these steps queued they were due back
then: they are cancelled (recorded, not sent when the demo's worker starts).
Every random choice comes from ``random.Random(seed)``; the demo reaches the
other apps only through their services and selectors.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from telcodesk.care.selectors import complaints as complaint_selectors
from telcodesk.care.services import complaints as complaint_services
from telcodesk.care.services import surveys as survey_services
from telcodesk.core.clock import local, operator_zone
from telcodesk.core.errors import DomainError
from telcodesk.core.models import Channel, User
from telcodesk.customers.selectors import visible_customers
from telcodesk.demo import data
from telcodesk.notify.selectors import visible_messages
from telcodesk.notify.services import do_cancel_many
from telcodesk.orders.selectors.work_orders import work_orders_of_subscription

Progress = Callable[[str, int, int], None]
# A step of a complaint's life: when, and the service call (given ``now=`` then).
_Step = tuple[dt.datetime, Callable[..., Any]]

PER_THOUSAND_CUSTOMERS = 30
MIN_COMPLAINTS = 40
MAX_COMPLAINTS = 150
PERIOD_DAYS = 182
# Complaints received in the last days are left open at ``now`` (the queue).
OPEN_DAYS = 3
LATE_SHARE = 0.06
TRANSFER_SHARE = 0.25
REPEAT_SHARE = 0.06
ANSWER_SHARE = 0.85
HISTORY_REASON = "demo history: due when the complaint was handled, not sent now"

CHANNELS = [("hotline", 44), ("self_service", 11), ("sms", 8), ("chat", 10), ("counter", 12),
            ("supervision_line", 6), ("letter", 4), ("regulator", 5)]
CATEGORIES = [("billing", 30), ("network", 22), ("vas_charges", 14), ("delay", 10),
              ("attitude", 8), ("spam", 6), ("package", 6), ("privacy", 2), ("other", 2)]
SUMMARIES = {
    "billing": ("话费多扣了20元", "8月账单比平时高出一倍", "停机期间仍被收取月租",
                "宽带已拆机仍在扣费"),
    "network": ("家中手机信号很差", "宽带晚上网速很慢", "4G经常掉线", "小区没有5G信号"),
    "vas_charges": ("未订购的爱音乐被扣费", "莫名开通了视频彩铃", "增值业务扣费未经确认"),
    "delay": ("宽带报装一周还没人上门", "宽带故障两天未修复", "约好的装机时间没人来"),
    "attitude": ("营业员态度冷淡", "客服挂断电话", "装维人员上门不守时"),
    "spam": ("频繁收到贷款推销短信", "每天接到骚扰电话"),
    "package": ("套餐优惠到期未提前通知", "合约期内被改了套餐"),
    "privacy": ("个人信息疑似被泄露",),
    "other": ("营业厅排队时间太长", "发票一直未寄到"),
}
REPLIES = {
    "billing": "经核查，多收费用已退还至您的账户，给您带来不便深表歉意。",
    "network": "已安排网络优化人员现场测试并调整基站参数，信号已改善。",
    "vas_charges": "该业务已为您退订，已扣费用全额退还。",
    "delay": "已协调装维班组上门处理，故障已修复/装机已完成。",
    "attitude": "已对相关人员进行批评教育，并向您致歉。",
    "spam": "已将相关号码纳入拦截名单并上报处理。",
    "package": "已按原套餐恢复资费，并补发优惠到期提醒。",
    "privacy": "已核查您的业务办理记录，未发现异常查询，已加强账户保护。",
    "other": "已反馈相关部门改进，感谢您的监督。",
}
NOTES = ("已致电用户了解情况", "用户不在服务区，短信告知", "已联系计费中心核查",
         "已与用户约定回复时间")
# What subscribers send back to the survey SMS.
ANSWERS_1 = ("1", "1", "1", "１", "1 谢谢", "满意")
ANSWERS_2 = ("2", "2", "２", "2 还行", "基本满意")
ANSWERS_3 = ("3", "3不满意", "３", "不满意")
UNREADABLE = ("好的谢谢", "收到", "？")


@dataclass(order=True)
class _Plan:
    received: dt.datetime
    seq: int
    channel: str = field(compare=False)
    category: str = field(compare=False)
    customer: Any = field(compare=False)
    line: Any = field(compare=False)
    county: str = field(compare=False)
    fate: str = field(default="normal", compare=False)  # normal, late, regulator, open


class _Generator:
    def __init__(self, *, now: dt.datetime, seed: int) -> None:
        self.now = now
        self.rng = random.Random(seed * 7919 + 13)
        self.zone = operator_zone()
        self.staff = {u.username: u for u in User.objects.filter(
            username__regex=r"^(agent|complaints|manager|clerk|vip)\.").select_related(
            "org_unit")}
        self.written = 0
        self.reassigned = False

    def person(self, kind: str, code: str) -> User | None:
        return self.staff.get(f"{kind}.{code}")

    def taker(self, plan: _Plan) -> User | None:
        city = plan.county.split("-")[0]
        if plan.channel == "counter":
            return self.person("clerk", plan.county) or self.person("agent", city)
        if plan.channel in ("letter", "regulator", "supervision_line"):
            return self.person("complaints", city) or self.person("agent", city)
        if self.rng.random() < 0.7:
            return self.person("agent", city) or self.person("complaints", city)
        return self.person("complaints", city) or self.person("agent", city)

    def at(self, start: dt.datetime, hours: float) -> dt.datetime:
        """``hours`` after ``start``, on a whole minute (at least one minute later)."""
        minutes = max(1, round(hours * 60))
        return (start + dt.timedelta(minutes=minutes)).replace(second=0, microsecond=0)

    # --- one complaint

    def run(self, plan: _Plan) -> None:
        taker = self.taker(plan)
        if taker is None:
            return
        rng = self.rng
        summary = rng.choice(SUMMARIES[plan.category])
        links: dict[str, Any] = {}
        if plan.line is not None and plan.category in ("billing", "network", "vas_charges",
                                                       "package", "delay"):
            links["subscription"] = plan.line
        if plan.category == "billing":
            month = local(plan.received).replace(day=1) - dt.timedelta(days=1)
            links["bill_reference"] = f"{month:%Y-%m}"
        if plan.category == "delay" and plan.line is not None:
            work_order = work_orders_of_subscription(plan.line.pk).filter(
                created_at__lte=plan.received).first()
            if work_order is not None:
                links["work_order"] = work_order
        details = f"用户来电反映：{summary}。" if plan.channel == "hotline" else ""
        complaint = complaint_services.do_receive_complaint(
            now=plan.received, actor=taker, channel=plan.channel, category=plan.category,
            summary=summary, details=details,
            customer=plan.customer, received_at=plan.received,
            regulator_reference=(f"GXB-{local(plan.received):%Y%m%d}-{plan.seq:03d}"
                                 if plan.channel == "regulator" else ""),
            notify_customer=False, audit_channel=Channel.SYSTEM, **links)
        self.written += 1
        steps: list[_Step] = []
        t = plan.received
        handler = taker
        if rng.random() < TRANSFER_SHARE:
            t = self.at(t, rng.uniform(0.5, 6))
            targets = [u for u in complaint_selectors.staff_to_transfer_to(taker, complaint)
                       if u.username.startswith(("complaints.", "agent."))]
            if targets:
                target = rng.choice(targets)
                handler = target
                steps.append((t, partial(complaint_services.do_transfer_complaint,
                                         actor=taker, complaint=complaint, to_user=target,
                                         note="转投诉处理专员跟进")))
        if rng.random() < 0.5:
            t = self.at(t, rng.uniform(0.3, 8))
            steps.append((t, partial(complaint_services.do_add_complaint_note, actor=handler,
                                     complaint=complaint, text=rng.choice(NOTES),
                                     contacted=True)))
        if plan.fate == "reassign" and not self.reassigned:
            city = plan.county.split("-")[0]
            manager = self.person("manager", city)
            new_owner = self.person("complaints", city)
            if new_owner == taker:
                new_owner = self.person("agent", city)
            if manager is not None and new_owner is not None and new_owner != taker:
                self.reassigned = True
                t = self.at(t, rng.uniform(1, 4))
                steps.append((t, partial(complaint_services.do_reassign_complaint_owner,
                                         actor=manager, complaint=complaint,
                                         new_owner=new_owner,
                                         reason="原受理人调岗，改由投诉专员负责到底")))
                handler = new_owner if handler == taker else handler
        reply_after = {"late": rng.uniform(50, 110), "regulator": rng.uniform(370, 460)}.get(
            plan.fate, rng.triangular(1.5, 46, 10))
        replied = self.at(plan.received, max(reply_after, (t - plan.received).total_seconds()
                                             / 3600 + 0.5))
        if plan.fate == "regulator":
            appealed = self.at(plan.received, 361 + rng.uniform(0, 8))
            steps.append((appealed, partial(
                complaint_services.do_record_regulator_appeal, actor=handler,
                complaint=complaint, reference=f"GXB-{local(appealed):%Y%m%d}-{plan.seq:03d}")))
        steps.append((replied, partial(complaint_services.do_reply_complaint, actor=handler,
                                       complaint=complaint, reply_text=REPLIES[plan.category],
                                       notify_customer=False)))
        closed = self.at(replied, rng.uniform(0.5, 20))
        steps.append((closed, partial(complaint_services.do_close_complaint, actor=handler,
                                      complaint=complaint, send_survey=True)))
        if rng.random() < ANSWER_SHARE:
            answered = self.at(closed, rng.uniform(0.2, 30))
            roll = rng.random()
            if roll < 0.03:
                text = rng.choice(UNREADABLE)
                steps.append((answered, partial(survey_services.do_answer_survey,
                                                complaint=complaint, raw_text=text,
                                                channel="sms")))
                answered = self.at(answered, rng.uniform(0.5, 6))
                roll = 0.5
            if roll < 0.72:
                text, dissatisfied = rng.choice(ANSWERS_1), False
            elif roll < 0.92:
                text, dissatisfied = rng.choice(ANSWERS_2), False
            else:
                text, dissatisfied = rng.choice(ANSWERS_3), True
            channel = "self_service" if rng.random() < 0.15 else "sms"
            steps.append((answered, partial(survey_services.do_answer_survey,
                                            complaint=complaint, raw_text=text,
                                            channel=channel)))
            if dissatisfied:
                self.second_round(steps, complaint, plan, answered)
        for when, step in steps:
            if when >= self.now:
                break
            step(now=when)

    def second_round(self, steps: list[_Step],
                     complaint: Any, plan: _Plan, reopened: dt.datetime) -> None:
        """The reopened complaint: the manager replies again, closes, the survey is answered."""
        rng = self.rng
        manager = self.person("manager", plan.county.split("-")[0])
        if manager is None:
            return
        replied = self.at(reopened, rng.uniform(3, 30))
        steps.append((replied, partial(
            complaint_services.do_reply_complaint, actor=manager, complaint=complaint,
            reply_text="经理回访：" + REPLIES[plan.category] + "另赠送20元话费表示歉意。")))
        closed = self.at(replied, rng.uniform(0.5, 6))
        steps.append((closed, partial(complaint_services.do_close_complaint, actor=manager,
                                      complaint=complaint, send_survey=True)))
        steps.append((self.at(closed, rng.uniform(1, 20)), partial(
            survey_services.do_answer_survey, complaint=complaint,
            raw_text=rng.choice(ANSWERS_2), channel="sms")))

    def run_open(self, plan: _Plan, age_hours: float) -> None:
        """A complaint received ``age_hours`` before ``now`` and not replied yet."""
        taker = self.taker(plan)
        if taker is None:
            return
        received = (self.now - dt.timedelta(hours=age_hours)).replace(second=0, microsecond=0)
        complaint = complaint_services.do_receive_complaint(
            now=received, actor=taker, channel=plan.channel, category=plan.category,
            summary=self.rng.choice(SUMMARIES[plan.category]), customer=plan.customer,
            subscription=plan.line, received_at=received, audit_channel=Channel.SYSTEM)
        self.written += 1
        if age_hours > 2:
            complaint_services.do_add_complaint_note(
                now=received + dt.timedelta(hours=1), actor=taker, complaint=complaint,
                text=self.rng.choice(NOTES), contacted=True)


def _weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def build_demo_complaints(*, now: dt.datetime, seed: int, count: int | None = None,
                          since: dt.date | None = None,
                          progress: Progress | None = None) -> int:
    """Write the demo's complaints (in the caller's transaction); returns how many.

    ``count``: the number of complaints of the half year (default from the
    customer count, ``PER_THOUSAND_CUSTOMERS``, within ``MIN_COMPLAINTS`` –
    ``MAX_COMPLAINTS``, scaled to the days covered); the open ones of the last
    days come on top. ``since``: the first day of the history (default: the
    ``PERIOD_DAYS`` before ``now``; the demo passes the start of the last
    complete half-year so the regulator's report has its complaints).
    """
    report: Progress = progress or (lambda _step, _done, _total: None)
    viewer = User.objects.filter(is_superuser=True).order_by("pk").first()
    if viewer is None:
        return 0
    customers = list(visible_customers(viewer).filter(status="active").order_by("code")
                     .select_related("org_unit").prefetch_related("subscriptions"))
    if not customers:
        return 0
    gen = _Generator(now=now, seed=seed)
    rng = gen.rng
    cities = {c.code for c in data.CITIES}
    pool: list[tuple[Any, Any, str]] = []
    for customer in customers:
        unit = customer.org_unit
        county = "-".join(unit.code.split("-")[:2])
        if county.split("-")[0] not in cities:
            continue
        lines = [s for s in customer.subscriptions.all()
                 if s.active_to is None and s.status == "active"]
        mobile = next((s for s in lines if s.service == "mobile"), None)
        pool.append((customer, mobile or (lines[0] if lines else None), county))
    if not pool:
        return 0
    today = local(now).date()
    first_day = since if since is not None else today - dt.timedelta(days=PERIOD_DAYS)
    period_days = max((today - first_day).days, OPEN_DAYS + 1)
    history_days = period_days - OPEN_DAYS
    if count is None:
        count = round(len(customers) / 1000 * PER_THOUSAND_CUSTOMERS
                      * period_days / PERIOD_DAYS)
        count = max(MIN_COMPLAINTS, min(MAX_COMPLAINTS, count))
    plans: list[_Plan] = []
    channels = [c for c, _ in CHANNELS]
    categories = [c for c, _ in CATEGORIES]
    for seq in range(count):
        day = first_day + dt.timedelta(days=rng.randrange(history_days))
        minute = rng.randrange(8 * 60, 21 * 60)
        received = dt.datetime.combine(day, dt.time(minute // 60, minute % 60),
                                       tzinfo=gen.zone)
        # The first ones cover every channel and every category.
        channel = channels[seq] if seq < len(channels) else _weighted(rng, CHANNELS)
        category = (categories[seq] if seq < len(categories)
                    else _weighted(rng, CATEGORIES))
        customer, line, county = rng.choice(pool)
        plans.append(_Plan(received, seq, channel, category, customer, line, county))
    plans.sort()
    # Repeats: the same customer about the same thing again within days.
    for i, plan in enumerate(plans):
        if i and rng.random() < REPEAT_SHARE:
            earlier = plans[rng.randrange(max(0, i - 20), i)]
            if plan.received - earlier.received < dt.timedelta(days=25):
                plan.customer, plan.line, plan.county = (earlier.customer, earlier.line,
                                                         earlier.county)
                plan.category = earlier.category
    # Fates: a few late, one or two past the regulator's limit (and appealed), one
    # owner reassigned; the regulator's transfers are appealed from the start.
    old = [p for p in plans if p.received < dt.datetime.combine(
        today - dt.timedelta(days=25), dt.time(0), tzinfo=gen.zone)]
    for plan in plans:
        if rng.random() < LATE_SHARE:
            plan.fate = "late"
    for plan in rng.sample(old, min(2, len(old))):
        plan.fate = "regulator"
    # One owner reassigned: the first of these candidates where it can be done.
    reassign = [p for p in old if p.fate == "normal" and p.channel in ("hotline", "chat")]
    for plan in rng.sample(reassign, min(5, len(reassign))):
        plan.fate = "reassign"
    last_message = visible_messages(viewer).order_by("-pk").values_list(
        "pk", flat=True).first() or 0
    for done, plan in enumerate(plans, start=1):
        try:
            gen.run(plan)
        except DomainError:
            continue
        if done % 25 == 0 or done == len(plans):
            report("complaints", done, len(plans))
    # Still open at ``now``: time left, near the limit (warning), past it (breached).
    for n, age in enumerate((3, 9, 20, 30, 41, 44, 46, 55, 70)):
        customer, line, county = rng.choice(pool)
        plan = _Plan(now, count + n, rng.choice(("hotline", "hotline", "chat", "counter")),
                     _weighted(rng, CATEGORIES), customer, line, county, "open")
        try:
            gen.run_open(plan, age + rng.randrange(30) / 60)
        except DomainError:
            continue
    do_cancel_many(now=now, messages=list(visible_messages(viewer).filter(
        pk__gt=last_message, state="queued")), actor=None, channel=Channel.SYSTEM,
        reason=HISTORY_REASON)
    return gen.written
