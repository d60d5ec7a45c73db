"""Console pages of complaints: the queue, intake, one complaint and its dossier PDF.

Thin views: reads go through ``care.selectors.complaints`` (scoped to the
viewer's branch subtree plus what they own or handle: anything else is a 404),
writes through ``care.services.complaints`` and ``care.services.surveys``,
whose refusals (``CareError``) come back as a form error or a message on the
page, changing nothing.

- ``complaints``: the queue, most urgent reply first, coloured by the reply
  clock (HTMX refreshes the table every minute).
- ``complaint_new``: intake from any channel (the channel has no default);
  prefilled from a hotline call (``?contact=``), a number (``?number=``) or a
  customer (``?customer=``).
- ``complaint``: header, both time limits, the timeline and the actions (note,
  transfer, reassign the owner, reply, close, survey answer given by phone,
  regulator appeal); ``complaint_pdf``: the regulator-appeal dossier.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from telcodesk.care import permissions
from telcodesk.care.errors import CareError
from telcodesk.care.forms import complaints as forms
from telcodesk.care.models import Complaint, ComplaintState, SurveyAnswerStatus
from telcodesk.care.renderers import dossier
from telcodesk.care.selectors import complaints as selectors
from telcodesk.care.selectors import contacts
from telcodesk.care.services import complaints as services
from telcodesk.care.services import surveys
from telcodesk.core import clock, phone
from telcodesk.core.errors import DomainError
from telcodesk.core.models import Channel, User
from telcodesk.core.paging import ScopePaginator
from telcodesk.core.selectors import may_see_full_numbers
from telcodesk.core.services import do_audit
from telcodesk.customers.selectors import customer_for, search_customers, subscription_for
from telcodesk.orders.selectors import product_orders as order_selectors
from telcodesk.orders.selectors import work_orders as work_order_selectors
from telcodesk.sla import time_left_text
from telcodesk.sla.selectors import clock_status, explain, time_left

QUEUE_PER_PAGE = 50
CUSTOMER_MATCHES = 8
_PHONE_LIKE = re.compile(r"^\+?[\d\s\-()]{5,}$")


def _viewer(request: HttpRequest) -> User:
    return cast(User, request.user)


def _is_fragment_request(request: HttpRequest) -> bool:
    return (request.headers.get("HX-Request") == "true"
            and request.headers.get("HX-History-Restore-Request") != "true")


def _complaint(user: User, code: str) -> Complaint:
    try:
        return selectors.complaint_for(user, code)
    except CareError as exc:
        raise Http404(exc.message) from None


# --- time left ---------------------------------------------------------------------------


def describe_time_left(left: dt.timedelta | None, status: str) -> str:
    return time_left_text.describe_time_left(
        left, status,
        stopped_early=_("met, %(d)s to spare"), stopped_late=_("missed by %(d)s"))


@dataclass(frozen=True)
class QueueRow:
    complaint: Complaint
    status: str  # ok, warning, breached, paused, stopped, or "none" (no clock)
    label: str

    @property
    def css(self) -> str:
        return f"sla-row-{self.status}"


@dataclass(frozen=True)
class ClockView:
    kind: str
    label: str
    clock: Any
    status: str
    text: str
    story: list[str]


def _clock_views(complaint: Complaint, *, now: dt.datetime) -> list[ClockView]:
    views = []
    for kind, sla in (("complaint_reply", complaint.reply_clock),
                      ("complaint_regulator", complaint.regulator_clock)):
        if sla is None:
            continue
        status = clock_status(sla, now=now)
        try:
            story = explain(sla, now=now)
        except DomainError as exc:
            story = [exc.message]
        views.append(ClockView(kind, str(selectors.CLOCK_LABELS[kind]), sla, status,
                               describe_time_left(time_left(sla, now=now), status), story))
    return views


# --- the queue ---------------------------------------------------------------------------


def _queue(user: User, *, now: dt.datetime, filters: dict[str, Any],
           overdue: bool | None = None) -> QuerySet[Complaint]:
    return selectors.complaint_queue(
        user, state=filters.get("state") or "", category=filters.get("category") or "",
        channel=filters.get("channel") or "", mine=bool(filters.get("mine")),
        overdue=bool(filters.get("overdue")) if overdue is None else overdue,
        near=bool(filters.get("near")) and overdue is None,
        q=filters.get("q") or "", now=now)


@login_required
@require_GET
def complaint_queue(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    now = clock.now()
    form = forms.QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = ScopePaginator(_queue(user, now=now, filters=filters), QUEUE_PER_PAGE).get_page(
        request.GET.get("page"))
    entries = selectors.queue_entries(list(page.object_list), now=now)
    rows = [QueueRow(e.complaint, e.clock_status or "none",
                     describe_time_left(e.time_left, e.clock_status)) for e in entries]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": rows, "total": page.paginator.count,
               "overdue": _queue(user, now=now, filters=filters, overdue=True).count(),
               "query": query.urlencode(), "now": now,
               "may_receive": permissions.may_receive(user)}
    template = ("care/_complaint_queue.html" if _is_fragment_request(request)
                else "care/complaint_queue.html")
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- intake ------------------------------------------------------------------------------


def _matches(user: User, query: str, *, shortest: int = 1) -> list[Any]:
    text = (query or "").strip()
    if len(text) < shortest:
        return []
    return list(search_customers(user, text).select_related("org_unit")[:CUSTOMER_MATCHES + 1])


@login_required
@require_GET
def complaint_customer_lookup(request: HttpRequest) -> HttpResponse:
    """HTMX fragment of the intake form: customers matching what was typed, to pick one."""
    matches = _matches(_viewer(request), request.GET.get("customer_query", ""), shortest=2)
    return render(request, "care/_complaint_customer_matches.html",
                  {"matches": matches[:CUSTOMER_MATCHES],
                   "more": len(matches) > CUSTOMER_MATCHES,
                   "query": request.GET.get("customer_query", "").strip()})


def _intake_initial(request: HttpRequest, user: User) -> tuple[dict[str, Any], Any, Any]:
    """Initial values from ``?contact=``, ``?number=``, ``?customer=``; the call and customer."""
    initial: dict[str, Any] = {"notify_customer": True}
    call = customer = None
    contact = request.GET.get("contact", "").strip()
    if contact:
        call = contacts.contact_for(user, contact)  # 404 for a call the user may not see
        initial.update(channel="hotline", contact=call.pk)
        if call.caller:
            number = phone.national(call.caller) if call.caller.startswith("+") else call.caller
            initial.update(customer_query=number, contact_number=number)
        if call.customer is not None:
            customer = call.customer
    number = request.GET.get("number", "").strip()[:40]
    if number:
        initial.update(customer_query=number, contact_number=number)
    code = request.GET.get("customer", "").strip()[:20]
    if code:
        customer = customer_for(user, code)  # CustomerNotFound is a 404
    if customer is not None:  # a known customer; the number typed stays the contact number
        initial.update(customer=customer.code, customer_query=customer.code)
    return initial, call, customer


def _resolve_links(form: forms.IntakeForm, user: User, data: dict[str, Any]) -> dict[str, Any]:
    """Turn what was typed into records, adding form errors for what is not found."""
    links: dict[str, Any] = {"customer": None, "subscription": None, "order": None,
                             "work_order": None, "contact": None}
    query = (data.get("customer_query") or "").strip()
    prefilled = (data.get("customer") or "").strip()
    # The prefilled customer counts unless another customer or number was typed since.
    pick = (data.get("customer_pick") or "").strip() or (
        prefilled if prefilled and (not query or query.upper() == prefilled.upper()) else "")
    contact_number = (data.get("contact_number") or "").strip()
    if pick:
        try:
            links["customer"] = customer_for(user, pick)
        except Http404:
            form.add_error("customer_query", _("No customer %(code)s in your branch.")
                           % {"code": pick})
    elif query:
        matches = _matches(user, query)
        if len(matches) == 1:
            links["customer"] = matches[0]
        elif len(matches) > 1:
            form.add_error("customer_query",
                           _("Several customers match: choose one below."))
        elif _PHONE_LIKE.match(query):
            contact_number = contact_number or query
        else:
            form.add_error("customer_query", _("No customer matches in your branch."))
    links["contact_number"] = contact_number
    if data.get("subscription_number"):
        links["subscription"] = subscription_for(user, data["subscription_number"])
        if links["subscription"] is None:
            form.add_error("subscription_number",
                           _("No live line with this number in your branch."))
    for field, key, getter in (("order_code", "order", order_selectors.order_for),
                               ("work_order_code", "work_order",
                                work_order_selectors.work_order_for)):
        code = (data.get(field) or "").strip()
        if code:
            try:
                links[key] = getter(user, code)
            except Http404:
                form.add_error(field, _("Not found in your branch."))
    if data.get("contact"):
        try:
            links["contact"] = contacts.contact_for(user, data["contact"])
        except Http404:
            form.add_error(None, _("The hotline call is not visible to you."))
    return links


@login_required
@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    initial, call, customer = _intake_initial(request, user)
    form = forms.IntakeForm(request.POST or None, initial=initial)
    matches: list[Any] = []
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "customer_pick": request.POST.get("customer_pick", "")}
        links = _resolve_links(form, user, data)
        if form.has_error("customer_query"):
            matches = _matches(user, data.get("customer_query", ""))[:CUSTOMER_MATCHES]
        if not form.errors:
            now = clock.now()
            try:
                complaint = services.do_receive_complaint(
                    now=now, actor=user, channel=data["channel"], category=data["category"],
                    summary=data["summary"], details=data.get("details", ""),
                    customer=links["customer"], contact_number=links["contact_number"],
                    subscription=links["subscription"], order=links["order"],
                    work_order=links["work_order"],
                    bill_reference=data.get("bill_reference", ""), contact=links["contact"],
                    received_at=data.get("received_at") or None,
                    regulator_reference=data.get("regulator_reference", ""),
                    notify_customer=bool(data.get("notify_customer")))
            except CareError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Complaint %(code)s registered; you own it.")
                                 % {"code": complaint.code})
                return redirect("console:complaint", code=complaint.code)
    return render(request, "care/complaint_form.html",
                  {"form": form, "call": call, "customer": customer, "matches": matches,
                   "may_receive": permissions.may_receive(user)},
                  status=400 if form.errors else 200)


# --- one complaint -----------------------------------------------------------------------


def _complaint_context(request: HttpRequest, complaint: Complaint, *,
                       bound: dict[str, Any] | None = None) -> dict[str, Any]:
    user = _viewer(request)
    now = clock.now()
    bound = bound or {}
    can_work = permissions.may_work_on(user, complaint)
    working = complaint.state in selectors.WORKING_STATES
    closed = complaint.state == ComplaintState.CLOSED
    call_back = permissions.may_call_back(user, complaint)
    return {
        "c": complaint,
        "now": now,
        "contact": phone.shown_number(complaint.contact_number, full=call_back),
        "call_back": call_back and bool(complaint.contact_number),
        "clocks": _clock_views(complaint, now=now),
        "timeline": selectors.complaint_timeline(complaint),
        "answers": selectors.survey_answers(complaint),
        "survey_pending": selectors.survey_pending(complaint),
        "can_work": can_work,
        "can_reassign": permissions.may_reassign(user, complaint),
        "show_transfer": can_work and not closed,
        "show_reply": can_work and working,
        "show_close": can_work and complaint.state == ComplaintState.REPLIED,
        "show_phone_survey": can_work and closed and not complaint.satisfaction,
        "note_form": bound.get("note") or forms.NoteForm(),
        "transfer_form": bound.get("transfer") or forms.TransferForm(
            staff=selectors.staff_to_transfer_to(user, complaint)),
        "reassign_form": bound.get("reassign") or forms.ReassignForm(
            staff=selectors.owner_candidates(user, complaint)),
        "reply_form": bound.get("reply") or forms.ReplyForm(),
        "close_form": bound.get("close") or forms.CloseForm(),
        "survey_form": bound.get("survey") or forms.PhoneSurveyForm(),
        "appeal_form": bound.get("appeal") or forms.AppealForm(
            initial={"reference": complaint.regulator_reference}),
    }


@login_required
@require_GET
def complaint_page(request: HttpRequest, code: str) -> HttpResponse:
    complaint = _complaint(_viewer(request), code)
    return render(request, "care/complaint_detail.html", _complaint_context(request, complaint))


Action = Callable[[Complaint, dict[str, Any]], Any]


def _act(request: HttpRequest, code: str, name: str, form: Any, action: Action,
         success: str) -> HttpResponse:
    """Validate ``form`` and run ``action``; a refusal re-renders the page with the error."""
    user = _viewer(request)
    complaint = _complaint(user, code)
    status = 400
    if form.is_valid():
        try:
            action(complaint, form.cleaned_data)
        except CareError as exc:
            # Shown at the top of the page: the form may not be on it (a refused role).
            messages.error(request, exc.message)
            status = exc.http_status
        else:
            messages.success(request, success)
            return redirect("console:complaint", code=complaint.code)
    complaint = _complaint(user, code)  # as stored: a refused action changed nothing
    return render(request, "care/complaint_detail.html",
                  _complaint_context(request, complaint, bound={name: form}), status=status)


@login_required
@require_POST
def complaint_note(request: HttpRequest, code: str) -> HttpResponse:
    user = _viewer(request)
    return _act(request, code, "note", forms.NoteForm(request.POST),
                lambda c, d: services.do_add_complaint_note(
                    now=clock.now(), actor=user, complaint=c, text=d["text"],
                    contacted=bool(d.get("contacted"))),
                _("Note added."))


@login_required
@require_POST
def complaint_transfer(request: HttpRequest, code: str) -> HttpResponse:
    user = _viewer(request)
    complaint = _complaint(user, code)
    form = forms.TransferForm(request.POST,
                              staff=selectors.staff_to_transfer_to(user, complaint))
    return _act(request, code, "transfer", form,
                lambda c, d: services.do_transfer_complaint(
                    now=clock.now(), actor=user, complaint=c, to_user=d["to_user"],
                    note=d["note"]),
                _("Complaint transferred; the owner stays responsible."))


@login_required
@require_POST
def complaint_reassign(request: HttpRequest, code: str) -> HttpResponse:
    user = _viewer(request)
    complaint = _complaint(user, code)
    form = forms.ReassignForm(request.POST, staff=selectors.owner_candidates(user, complaint))
    return _act(request, code, "reassign", form,
                lambda c, d: services.do_reassign_complaint_owner(
                    now=clock.now(), actor=user, complaint=c, new_owner=d["new_owner"],
                    reason=d["reason"]),
                _("Owner changed."))


@login_required
@require_POST
def complaint_reply(request: HttpRequest, code: str) -> HttpResponse:
    user = _viewer(request)
    return _act(request, code, "reply", forms.ReplyForm(request.POST),
                lambda c, d: services.do_reply_complaint(
                    now=clock.now(), actor=user, complaint=c, reply_text=d["reply_text"],
                    notify_customer=bool(d.get("notify_customer"))),
                _("Reply recorded; the time limits stopped."))


@login_required
@require_POST
def complaint_close(request: HttpRequest, code: str) -> HttpResponse:
    user = _viewer(request)
    return _act(request, code, "close", forms.CloseForm(request.POST),
                lambda c, d: services.do_close_complaint(
                    now=clock.now(), actor=user, complaint=c,
                    send_survey=bool(d.get("send_survey"))),
                _("Complaint closed."))


@login_required
@require_POST
def complaint_survey(request: HttpRequest, code: str) -> HttpResponse:
    """Record the answer the complainant gave on the phone (channel ``console``)."""
    user = _viewer(request)
    form = forms.PhoneSurveyForm(request.POST)
    stored: list[Any] = []

    def record(c: Complaint, d: dict[str, Any]) -> None:
        stored.append(surveys.do_answer_survey(now=clock.now(), complaint=c,
                                               raw_text=form.digit(), channel="console",
                                               actor=user))

    response = _act(request, code, "survey", form, record, _("Survey answer recorded."))
    if stored and stored[0].status != SurveyAnswerStatus.ACCEPTED:
        # Kept (nothing is lost) but not counted: say so instead of "recorded".
        list(messages.get_messages(request))
        messages.warning(request, _("The answer was stored but not counted: %(status)s.")
                         % {"status": stored[0].get_status_display()})
    return response


@login_required
@require_POST
def complaint_appeal(request: HttpRequest, code: str) -> HttpResponse:
    user = _viewer(request)
    return _act(request, code, "appeal", forms.AppealForm(request.POST),
                lambda c, d: services.do_record_regulator_appeal(
                    now=clock.now(), actor=user, complaint=c, reference=d.get("reference", "")),
                _("Regulator appeal recorded."))


# --- the dossier -------------------------------------------------------------------------


@login_required
@require_GET
def complaint_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The regulator-appeal dossier of the complaint, as a PDF download."""
    user = _viewer(request)
    complaint = _complaint(user, code)
    now = clock.now()
    full = may_see_full_numbers(user)
    data = dossier.build_dossier_pdf(complaint, now=now,
                                     language=translation.get_language() or "zh-hans",
                                     full_numbers=full, generated_by=user)
    do_audit(now=now, actor=user, channel=Channel.CONSOLE, action="complaint.dossier",
             target_type="complaint", target_id=complaint.code,
             summary=f"{complaint.code} dossier PDF", details={"full_numbers": full})
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{complaint.code}-dossier.pdf"'
    response["Cache-Control"] = "no-store"
    return response
