"""Console pages of the hotline's routing: the IVR menu, skill groups, queue names.

- ``ivr``: the menu tree (key, Chinese and English prompt, skill group), the skill
  groups with their queues and answer-time thresholds, and warnings (a group no
  key reaches, queues not mapped to a group). Every staff member may read it.
- For administrators (role ``administrator`` or superuser) only:
  ``ivr_edit`` (the menu as a text outline: check it, then save it; every
  problem is listed by line and nothing is saved while there is one),
  ``skill_group_new`` / ``skill_group_edit`` (names, threshold, order, active),
  ``queues`` (every queue name with its calls, the unmapped first, and a form
  to map each to a group).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from telcodesk.care.errors import CareError
from telcodesk.care.forms.ivr import IvrOutlineForm, QueueMapForm, SkillGroupForm
from telcodesk.care.models import SkillGroup
from telcodesk.care.permissions import may_edit_ivr
from telcodesk.care.selectors.ivr import (
    check_ivr_outline,
    groups_in_menu,
    ivr_outline,
    ivr_tree,
    preview_tree,
    queues_with_call_counts,
    skill_group_by_code,
    skill_groups,
    unmapped_queue_count,
    unreachable_skill_groups,
)
from telcodesk.care.services.ivr import (
    IvrOutlineError,
    do_create_skill_group,
    do_map_queue,
    do_replace_ivr_tree,
    do_update_skill_group,
)
from telcodesk.care.views._common import ivr_viewer, staff_member
from telcodesk.core import clock
from telcodesk.core.models import Channel, User


def administrator(request: HttpRequest) -> User:
    user = staff_member(request)
    if not may_edit_ivr(user):
        raise PermissionDenied(_("Only administrators change the IVR menu, skill groups and "
                                 "queues."))
    return user


@login_required
@require_GET
def ivr_page(request: HttpRequest) -> HttpResponse:
    user = ivr_viewer(request)
    return render(request, "care/ivr.html", {
        "tree": ivr_tree(),
        "groups": list(skill_groups()),
        "in_menu": groups_in_menu(),
        "unreachable": unreachable_skill_groups(),
        "unmapped_queues": unmapped_queue_count(),
        "can_edit": may_edit_ivr(user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def ivr_edit(request: HttpRequest) -> HttpResponse:
    user = administrator(request)
    context: dict[str, Any] = {"groups": list(skill_groups())}
    if request.method != "POST":
        context["form"] = IvrOutlineForm(initial={"outline": ivr_outline()})
        return render(request, "care/ivr_edit.html", context)
    form = IvrOutlineForm(request.POST)
    context["form"] = form
    if not form.is_valid():
        return render(request, "care/ivr_edit.html", context, status=400)
    outline = form.cleaned_data["outline"]
    if request.POST.get("action") == "save":
        try:
            change = do_replace_ivr_tree(now=clock.now(), actor=user, outline=outline,
                                         channel=Channel.CONSOLE)
        except IvrOutlineError as exc:
            context["problems"] = exc.problems
            return render(request, "care/ivr_edit.html", context, status=400)
        messages.success(request, _("IVR menu saved: %(n)d nodes.") % {"n": change.nodes})
        if change.unreachable_groups:
            messages.warning(request, _("No key leads to these skill groups: %(codes)s.")
                             % {"codes": ", ".join(change.unreachable_groups)})
        return redirect("console:ivr")
    # "Check": show the problems, or the menu as it would be saved; nothing is written.
    check = check_ivr_outline(outline)
    context.update(problems=check.problems, checked=True,
                   unreachable_codes=check.unreachable_groups,
                   preview=preview_tree(check.root) if check.ok and check.root else None)
    return render(request, "care/ivr_edit.html", context, status=200 if check.ok else 400)


def _group_or_404(code: str) -> SkillGroup:
    group = skill_group_by_code(code)
    if group is None:
        raise Http404(code)
    return group


@login_required
@require_http_methods(["GET", "POST"])
def skill_group_new(request: HttpRequest) -> HttpResponse:
    user = administrator(request)
    form = SkillGroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = do_create_skill_group(
                now=clock.now(), actor=user, code=data["code"], name_zh=data["name_zh"],
                name_en=data["name_en"], service_level_seconds=data["service_level_seconds"],
                position=data.get("position"), active=bool(data.get("active")),
                channel=Channel.CONSOLE)
        except CareError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Skill group %(code)s created.") % {"code": group.code})
            return redirect("console:ivr")
    return render(request, "care/skill_group_form.html", {"form": form, "group": None},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def skill_group_edit(request: HttpRequest, code: str) -> HttpResponse:
    user = administrator(request)
    group = _group_or_404(code)
    initial = {"name_zh": group.name_zh, "name_en": group.name_en,
               "service_level_seconds": group.service_level_seconds,
               "position": group.position, "active": group.active}
    form = SkillGroupForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            do_update_skill_group(
                now=clock.now(), actor=user, group=group, name_zh=data["name_zh"],
                name_en=data["name_en"], service_level_seconds=data["service_level_seconds"],
                position=data.get("position"), active=bool(data.get("active")),
                channel=Channel.CONSOLE)
        except CareError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Skill group %(code)s saved.") % {"code": group.code})
            return redirect("console:ivr")
    return render(request, "care/skill_group_form.html", {"form": form, "group": group},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def queue_list(request: HttpRequest) -> HttpResponse:
    user = administrator(request)
    form = QueueMapForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            queue = do_map_queue(now=clock.now(), actor=user, queue_name=data["queue_name"],
                                 group_code=data.get("group") or None, channel=Channel.CONSOLE)
        except CareError as exc:
            form.add_error(None, exc.message)
        else:
            if queue.skill_group is not None:
                messages.success(request, _("Queue %(queue)s now counts for %(group)s.")
                                 % {"queue": queue.name, "group": queue.skill_group.code})
            else:
                messages.success(request, _("Queue %(queue)s is not mapped to a group.")
                                 % {"queue": queue.name})
            return redirect("console:queues")
    rows = queues_with_call_counts()
    return render(request, "care/queues.html", {
        "form": form, "rows": rows, "unmapped": [r for r in rows if not r.mapped],
        "mapped": [r for r in rows if r.mapped],
        "group_choices": form.fields["group"].choices,  # type: ignore[attr-defined]
    }, status=400 if form.errors else 200)
