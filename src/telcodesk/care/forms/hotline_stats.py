"""Forms of the hotline's figures page: the period. They check input only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from telcodesk.care.forms._common import group_choices

# The figures page shows one row per day: keep a period readable.
MAX_PERIOD_DAYS = 400


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
