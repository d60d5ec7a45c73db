"""Forms of the network counter pages: a counter file, a cell registry file, one cell."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy

from telcodesk.core.models import OrgUnit


class CounterUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Counter file (CSV)"), help_text=gettext_lazy(
        "One row per cell and day; UTF-8, comma or tab separated."))
    replace = forms.BooleanField(required=False, label=gettext_lazy("Replace stored cell-days"),
                                 help_text=gettext_lazy(
                                     "Without it, a file with a cell-day already stored is "
                                     "refused."))


class FileForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (CSV)"))


class CellPlaceForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Cell"), max_length=60)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120, required=False)
    unit = forms.ModelChoiceField(label=gettext_lazy("Branch"), queryset=OrgUnit.objects.none(),
                                  required=False, empty_label=gettext_lazy("— no branch —"))

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units
