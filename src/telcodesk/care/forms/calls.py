"""Forms of the hotline pages: call filters and the figures' period. They check
input only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from telcodesk.care.models import CallOutcome, HotlineQueue, SkillGroup

ANY = [("", _("Any"))]
UNMAPPED = "-"
# The figures page shows one row per day: keep a period readable.
MAX_PERIOD_DAYS = 400


def group_choices(*, with_unmapped: bool = False) -> list[tuple[str, Any]]:
    choices: list[tuple[str, Any]] = [
        (code, f"{name_zh} ({code})")
        for code, name_zh in SkillGroup.objects.order_by("position", "code")
        .values_list("code", "name_zh")]
    if with_unmapped:
        choices.append((UNMAPPED, _("Queues not mapped to a group")))
    return choices


class CallFilterForm(forms.Form):
    day = forms.DateField(label=pgettext_lazy("calendar date", "Day"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))
    group = forms.ChoiceField(label=_("Skill group"), required=False)
    queue = forms.ChoiceField(label=_("Queue"), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False,
                                choices=ANY + list(CallOutcome.choices))
    caller = forms.CharField(label=_("Caller number"), required=False, max_length=32,
                             help_text=_("The whole number, or its last digits."),
                             widget=forms.TextInput(attrs={"type": "search",
                                                           "inputmode": "tel"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        group_field = self.fields["group"]
        queue_field = self.fields["queue"]
        assert isinstance(group_field, forms.ChoiceField)
        assert isinstance(queue_field, forms.ChoiceField)
        group_field.choices = ANY + group_choices(with_unmapped=True)
        queue_field.choices = ANY + [
            (name, name) for name in HotlineQueue.objects.order_by("name")
            .values_list("name", flat=True)]


class StatsPeriodForm(forms.Form):
    start = forms.DateField(label=pgettext_lazy("date range", "From"),
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To (inclusive)"),
                          widget=forms.DateInput(attrs={"type": "date"}))
    group = forms.ChoiceField(label=_("Skill group"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["group"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All groups")), *group_choices()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if isinstance(start, dt.date) and isinstance(end, dt.date):
            if end < start:
                self.add_error("end", _("The period ends before it starts."))
            elif (end - start).days >= MAX_PERIOD_DAYS:
                self.add_error("end", _("Choose at most %(days)d days.")
                               % {"days": MAX_PERIOD_DAYS})
        return data
