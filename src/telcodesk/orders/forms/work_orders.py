"""Forms of the work-order console pages: queue filters, work-order actions, new faults.

Forms validate input only; the rules (state machine, reasons required,
checklist order, scoping) are enforced again by ``orders.services`` and shown
as form errors when they refuse.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from telcodesk.core.models import OrgUnit, User
from telcodesk.core.selectors import scope_q, visible_org_units
from telcodesk.core.widgets import QuickSelect
from telcodesk.orders.forms._common import ANY, PERSON_CHANNELS, PersonChannelForm
from telcodesk.orders.models import (
    Severity,
    StepResult,
    Team,
    TicketStatus,
    WorkOrderKind,
)
from telcodesk.orders.selectors import work_orders as work_order_selectors
from telcodesk.sla import selectors as sla_selectors


def visible_teams(user: User) -> Any:
    return Team.objects.filter(scope_q(user)).select_related("org_unit").order_by("code")


class TechnicianChoiceField(forms.ModelChoiceField):
    """A technician as a dispatcher chooses one: name, teams and current load (the
    queryset comes from ``selectors.work_orders.assignable_technicians``)."""

    def label_from_instance(self, obj: Any) -> str:
        teams = " / ".join(team.name for team in obj.teams.all()) or gettext("no team")
        load = getattr(obj, "open_load", 0)
        return ngettext("%(name)s · %(teams)s · %(count)d open work order",
                        "%(name)s · %(teams)s · %(count)d open work orders", load) % {
            "name": obj, "teams": teams, "count": load}


class QueueFilterForm(forms.Form):
    # Rendered on every view of the queue (and its refresh): selects without templates.
    unit = forms.ModelChoiceField(label=_("Branch"), queryset=OrgUnit.objects.none(),
                                  required=False, to_field_name="code", empty_label=_("All"),
                                  widget=QuickSelect)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(),
                                  required=False, to_field_name="code", empty_label=_("All"),
                                  widget=QuickSelect)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Open")), ("warning", _("Near the limit")),
                                        ("breached", _("Late")), ("paused", _("Paused")),
                                        *TicketStatus.choices], widget=QuickSelect)
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=ANY + list(WorkOrderKind.choices), widget=QuickSelect)
    mine = forms.BooleanField(label=_("Only mine"), required=False)
    unassigned = forms.BooleanField(label=_("Only unassigned"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        team_field = self.fields["team"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        assert isinstance(team_field, forms.ModelChoiceField)
        unit_field.queryset = visible_org_units(user)
        team_field.queryset = visible_teams(user)
        for name in ("unit", "team", "status", "kind"):
            self.fields[name].widget.attrs["data-autosubmit"] = ""


class AssignForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(),
                                  required=False, empty_label=_("No team"))
    technician = TechnicianChoiceField(label=_("Technician"), queryset=User.objects.none(),
                                       required=False, empty_label=_("Nobody"))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team_field = self.fields["team"]
        tech_field = self.fields["technician"]
        assert isinstance(team_field, forms.ModelChoiceField)
        assert isinstance(tech_field, forms.ModelChoiceField)
        team_field.queryset = visible_teams(user)
        tech_field.queryset = work_order_selectors.assignable_technicians(user)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("team") and not data.get("technician"):
            raise forms.ValidationError(_("Choose a team, a technician or both."))
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=TicketStatus.choices)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300,
                             help_text=_("Required for pending, held, rejected and cancelled."))

    def __init__(self, *args: Any, allowed: list[tuple[str, str]] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if allowed is not None:
            status_field = self.fields["status"]
            assert isinstance(status_field, forms.ChoiceField)
            # Nothing chosen until the user chooses: never a refusal by default.
            status_field.choices = [("", _("Choose the new status")), *allowed]


class PauseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Pause reason"),
                               choices=[("", _("Choose a reason")),
                                        *sla_selectors.pause_reason_choices()])
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class AttachmentForm(forms.Form):
    MAX_BYTES = 10 * 1024 * 1024

    file = forms.FileField(label=_("Attachment"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("At most 10 MB per file."))
        return upload


class ChecklistStepForm(forms.Form):
    step = forms.CharField(widget=forms.HiddenInput, max_length=40)
    result = forms.ChoiceField(label=_("Result"), choices=StepResult.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class FaultForm(PersonChannelForm):
    number = forms.CharField(label=_("Line or phone number"), max_length=40)
    channel = forms.ChoiceField(label=_("Reported via"), choices=PERSON_CHANNELS)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices,
                                 initial=Severity.MINOR)
    description = forms.CharField(label=_("What the subscriber reports"), max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    appointment_start = forms.DateTimeField(label=_("Appointment from"), required=False,
                                            widget=forms.DateTimeInput(
                                                attrs={"type": "datetime-local"}))
    appointment_end = forms.DateTimeField(label=_("Appointment until"), required=False,
                                          widget=forms.DateTimeInput(
                                              attrs={"type": "datetime-local"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("appointment_start"), data.get("appointment_end")
        if (start is None) != (end is None):
            raise forms.ValidationError(_("Give both ends of the appointment window, or none."))
        if start and end and end <= start:
            raise forms.ValidationError(_("The appointment must end after it starts."))
        return data


