"""Console pages of work orders: queues, details and their actions, new faults.

Thin views: reads go through ``orders.selectors`` (scoped to the viewer's
branch subtree: another branch's record is a 404) and ``sla.selectors`` (time
left, status, the clock's story); writes go through ``orders.services``, whose
refusals (illegal state change, missing reason, checklist out of order...) come
back as form errors or an error message, changing nothing.

- ``work_orders``: the queue of a branch or team, sorted by time left, rows
  coloured for warning, breached and paused; HTMX refreshes the table.
- ``my_work_orders``: a technician's own open work orders as big cards (phone).
- ``work_order``: detail with the SLA story, checklist, timeline, and the
  actions (assign, status with reason, pause/resume, note, attachment).
- ``fault_new``: a hotline agent or clerk registers a fault for a line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from telcodesk.core import clock
from telcodesk.core.errors import DomainError
from telcodesk.core.models import Channel, User
from telcodesk.core.paging import ScopePaginator
from telcodesk.customers.selectors import subscription_for
from telcodesk.orders import permissions
from telcodesk.orders.forms import work_orders as order_forms
from telcodesk.orders.models import (
    StepResult,
    TicketStatus,
    WorkOrder,
    WorkOrderKind,
)
from telcodesk.orders.selectors import work_orders as selectors
from telcodesk.orders.services import work_orders as services
from telcodesk.orders.views._common import _is_fragment_request, _viewer, describe_time_left
from telcodesk.orders.workflow.checklists import checklist_for
from telcodesk.orders.workflow.state_machines import (
    TICKET_OPEN,
    TICKET_PAUSED,
    TICKET_REASON_REQUIRED,
    TICKET_TRANSITIONS,
)
from telcodesk.sla.selectors import clock_status, explain, time_left

QUEUE_PER_PAGE = 50


@dataclass(frozen=True)
class QueueRow:
    work_order: WorkOrder
    status: str  # ok, warning, breached, paused, stopped or "none" (no clock)
    left: dt.timedelta | None
    label: str

    @property
    def css(self) -> str:
        return f"sla-row-{self.status}"

    # ``get_kind_display`` and ``get_status_display`` rebuild their field's choices on
    # every call; a queue page shows 50 rows.
    @property
    def kind_label(self) -> str:
        return str(_KIND_LABELS.get(self.work_order.kind, self.work_order.kind))

    @property
    def status_label(self) -> str:
        return str(_STATUS_LABELS.get(self.work_order.status, self.work_order.status))


_KIND_LABELS: dict[str, Any] = dict(WorkOrderKind.choices)
_STATUS_LABELS: dict[str, Any] = dict(TicketStatus.choices)


def queue_row(work_order: WorkOrder, *, now: dt.datetime) -> QueueRow:
    sla = work_order.sla_clock
    if sla is None:
        return QueueRow(work_order, "none", None, describe_time_left(None, "none"))
    status = clock_status(sla, now=now)
    left = time_left(sla, now=now)
    label = describe_time_left(left, status)
    if work_order.status in TICKET_PAUSED and status not in ("paused", "stopped"):
        # Waiting for a reason the standard does not exclude: the wait is on record but
        # the clock keeps running, and the badge says so (never "paused").
        label = _("waiting, clock running: %(t)s") % {"t": label}
    return QueueRow(work_order, status, left, label)


# --- queues --------------------------------------------------------------------------------------


def _queue(user: User, *, now: dt.datetime, filters: dict[str, Any]) -> Any:
    work_orders = selectors.work_order_queue(
        user, now=now, team=filters.get("team"), unit=filters.get("unit"),
        status=filters.get("status") or None, kind=filters.get("kind") or None,
        unassigned=bool(filters.get("unassigned")))
    if filters.get("mine"):
        work_orders = work_orders.filter(technician=user)
    return work_orders


@login_required
@require_GET
def work_order_queue(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    now = clock.now()
    form = order_forms.QueueFilterForm(request.GET or None, user=user)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    work_orders = _queue(user, now=now, filters=filters)
    page = ScopePaginator(work_orders, QUEUE_PER_PAGE).get_page(request.GET.get("page"))
    rows = [queue_row(wo, now=now) for wo in page.object_list]
    # The colour counts cover the filtered queue, not only this page.
    counts = selectors.queue_colour_counts(
        _queue(user, now=now, filters={**filters, "status": "open"}), now=now)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": rows, "counts": counts,
               "total": page.paginator.count, "query": query.urlencode(), "now": now,
               "can_dispatch": permissions.may_assign(user)}
    template = ("orders/_queue.html" if _is_fragment_request(request)
                else "orders/work_order_queue.html")
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def my_work_orders(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    now = clock.now()
    booked, others = selectors.split_today_appointments(
        _queue(user, now=now, filters={"mine": True}), now=now)
    today_rows = [queue_row(wo, now=now) for wo in booked]
    rows = [queue_row(wo, now=now) for wo in others]
    return render(request, "orders/my_work_orders.html",
                  {"today_rows": today_rows, "rows": rows, "now": now,
                   "total": len(today_rows) + len(rows)})


# --- one work order ----------------------------------------------------------------------------


def _checklist(work_order: WorkOrder) -> list[dict[str, Any]]:
    recorded = {s.step: s for s in work_order.checklist_steps.all()}
    steps = []
    next_open = True
    for step in checklist_for(kind=work_order.kind, service=work_order.service):
        done = recorded.get(step.code)
        steps.append({"code": step.code, "label": step.label, "done": done,
                      "can_record": done is None and next_open})
        if done is None:
            next_open = False
    return steps


def _status_choices(work_order: WorkOrder) -> list[tuple[str, str]]:
    allowed = TICKET_TRANSITIONS.get(work_order.status, frozenset())
    labels = dict(TicketStatus.choices)
    # The usual next steps first, the refusals last.
    order = (TicketStatus.IN_PROGRESS, TicketStatus.PENDING, TicketStatus.HELD,
             TicketStatus.RESOLVED, TicketStatus.CLOSED, TicketStatus.ACKNOWLEDGED,
             TicketStatus.REJECTED, TicketStatus.CANCELLED)
    return [(value, str(labels[value])) for value in order if value in allowed]


def _work_order_context(request: HttpRequest, work_order: WorkOrder, *,
                        forms: dict[str, Any] | None = None) -> dict[str, Any]:
    user = _viewer(request)
    now = clock.now()
    sla = work_order.sla_clock
    story: list[str] = []
    if sla is not None:
        try:
            story = explain(sla, now=now)
        except DomainError as exc:
            story = [exc.message]
    status_choices = _status_choices(work_order)
    forms = forms or {}
    is_open = work_order.status in TICKET_OPEN
    return {
        "wo": work_order,
        "row": queue_row(work_order, now=now),
        "story": story,
        "timeline": selectors.timeline(work_order),
        "status_reason": selectors.reason_label(work_order.status_reason),
        "checklist": _checklist(work_order),
        "attachments": selectors.attachments_of(work_order),
        "is_open": is_open,
        "is_paused": work_order.status in TICKET_PAUSED,
        "can_dispatch": permissions.may_assign(user) and is_open,
        "reason_required": sorted(TICKET_REASON_REQUIRED),
        "assign_form": forms.get("assign") or order_forms.AssignForm(
            user=user, initial={"team": work_order.team_id,
                                "technician": work_order.technician_id}),
        "status_form": forms.get("status") or order_forms.StatusForm(allowed=status_choices),
        "pause_form": forms.get("pause") or order_forms.PauseForm(),
        "note_form": forms.get("note") or order_forms.NoteForm(),
        "attachment_form": forms.get("attachment") or order_forms.AttachmentForm(),
        "step_result_choices": StepResult.choices,
    }


@login_required
@require_GET
def work_order_page(request: HttpRequest, code: str) -> HttpResponse:
    work_order = selectors.work_order_for(_viewer(request), code)
    return render(request, "orders/work_order_detail.html",
                  _work_order_context(request, work_order))


def _act(request: HttpRequest, code: str, form_name: str, form: Any,
         action: Any, success: str | Callable[[WorkOrder], str]) -> HttpResponse:
    """Validate ``form``, run ``action(work_order, cleaned_data)``; errors re-render the page.
    ``success`` is the message, or makes it from the work order ``action`` returned."""
    work_order = selectors.work_order_for(_viewer(request), code)
    if form.is_valid():
        try:
            done = action(work_order, form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, success if isinstance(success, str) else success(done))
            return redirect("console:work_order", code=work_order.code)
    work_order = selectors.work_order_for(_viewer(request), code)
    context = _work_order_context(request, work_order, forms={form_name: form})
    return render(request, "orders/work_order_detail.html", context, status=400)


@login_required
@require_POST
def work_order_assign(request: HttpRequest, code: str) -> HttpResponse:
    user = _viewer(request)
    selectors.work_order_for(user, code)  # 404 first, then 403
    if not permissions.may_assign(user):
        raise PermissionDenied(_("Only branch managers and administrators assign work orders."))
    form = order_forms.AssignForm(request.POST, user=user)
    return _act(request, code, "assign", form, lambda wo, data: services.do_assign_work_order(
        now=clock.now(), work_order=wo, technician=data.get("technician"),
        team=data.get("team"), actor=user), _("Work order assigned."))


@login_required
@require_POST
def work_order_status(request: HttpRequest, code: str) -> HttpResponse:
    user = _viewer(request)
    work_order = selectors.work_order_for(user, code)
    form = order_forms.StatusForm(request.POST, allowed=_status_choices(work_order))
    return _act(request, code, "status", form,
                lambda wo, data: services.do_change_work_order_status(
                    now=clock.now(), work_order=wo, status=data["status"],
                    reason=data.get("reason", ""), actor=user, channel=Channel.CONSOLE),
                _("Status changed."))


@login_required
@require_POST
def work_order_pause(request: HttpRequest, code: str) -> HttpResponse:
    user = _viewer(request)
    form = order_forms.PauseForm(request.POST)
    return _act(request, code, "pause", form, lambda wo, data: services.do_pause_work_order(
        now=clock.now(), work_order=wo, reason=data["reason"], note=data.get("note", ""),
        actor=user), _pause_message)


def _pause_message(work_order: WorkOrder) -> str:
    """A pause stops the clock only for a reason its standard excludes."""
    sla = work_order.sla_clock
    if sla is not None:
        sla.refresh_from_db(fields=["state"])
    if sla is not None and clock_status(sla, now=clock.now()) != "paused":
        return _("The wait is recorded. The standard does not exclude this reason, so the "
                 "clock keeps running.")
    return _("Clock paused.")


@login_required
@require_POST
def work_order_resume(request: HttpRequest, code: str) -> HttpResponse:
    user = _viewer(request)
    work_order = selectors.work_order_for(user, code)
    try:
        services.do_resume_work_order(now=clock.now(), work_order=work_order, actor=user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Clock resumed."))
    return redirect("console:work_order", code=work_order.code)


@login_required
@require_POST
def work_order_note(request: HttpRequest, code: str) -> HttpResponse:
    user = _viewer(request)
    form = order_forms.NoteForm(request.POST)
    return _act(request, code, "note", form, lambda wo, data: services.do_add_note(
        now=clock.now(), work_order=wo, text=data["note"], actor=user), _("Note added."))


@login_required
@require_POST
def work_order_attachment(request: HttpRequest, code: str) -> HttpResponse:
    user = _viewer(request)
    form = order_forms.AttachmentForm(request.POST, request.FILES)
    def attach(wo: WorkOrder, data: dict[str, Any]) -> None:
        upload = data["file"]
        services.do_add_attachment(
            now=clock.now(), work_order=wo, name=upload.name or "", content=upload.read(),
            content_type=(upload.content_type or "").split(";")[0].strip(), actor=user)

    return _act(request, code, "attachment", form, attach, _("Attachment uploaded."))


@login_required
@require_POST
def work_order_step(request: HttpRequest, code: str) -> HttpResponse:
    user = _viewer(request)
    work_order = selectors.work_order_for(user, code)
    form = order_forms.ChecklistStepForm(request.POST)
    if form.is_valid():
        try:
            services.do_record_checklist_step(
                now=clock.now(), work_order=work_order, step=form.cleaned_data["step"],
                result=form.cleaned_data["result"], note=form.cleaned_data.get("note", ""),
                actor=user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Checklist step recorded."))
    else:
        messages.error(request, _("Choose a result for the step."))
    return redirect(f"{work_order_url(work_order)}#checklist")


def work_order_url(work_order: WorkOrder) -> str:
    from django.urls import reverse

    return reverse("console:work_order", kwargs={"code": work_order.code})


# --- new fault ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def fault_new(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    if not permissions.may_change_tickets(user):
        raise PermissionDenied
    form = order_forms.FaultForm(request.POST or None, user=user,
                                 initial={"number": request.GET.get("number", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        subscription = subscription_for(user, data["number"])
        if subscription is None:
            form.add_error("number", _("No live line with this number in your branch."))
        else:
            try:
                work_order = services.do_report_fault(
                    now=clock.now(), subscription=subscription, channel=data["channel"],
                    description=data["description"], severity=data["severity"],
                    appointment_start=data.get("appointment_start"),
                    appointment_end=data.get("appointment_end"),
                    actor=user)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Fault registered as %(code)s.")
                                 % {"code": work_order.code})
                return redirect("console:work_order", code=work_order.code)
    return render(request, "orders/fault_form.html", {"form": form},
                  status=400 if form.errors else 200)
