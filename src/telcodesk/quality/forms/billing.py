"""Forms of the billing-error page: one month's count (the file upload uses
``forms.network.FileForm``)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy

from telcodesk.core.models import OrgUnit
from telcodesk.quality.network.csv_format import ValueProblem, parse_month


class BillingEntryForm(forms.Form):
    month = forms.CharField(label=gettext_lazy("Month"), max_length=10,
                            widget=forms.TextInput(attrs={"type": "month",
                                                          "placeholder": "2026-07"}))
    unit = forms.ModelChoiceField(label=gettext_lazy("Branch"), queryset=OrgUnit.objects.none(),
                                  required=False,
                                  empty_label=gettext_lazy("Whole operator"))
    erroneous = forms.IntegerField(label=gettext_lazy("Erroneous charge records"), min_value=0)
    total = forms.IntegerField(label=gettext_lazy("All charge records"), min_value=1)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units

    def clean_month(self) -> dt.date:
        try:
            return parse_month(self.cleaned_data["month"])
        except ValueProblem as exc:
            raise forms.ValidationError(str(exc)) from None
