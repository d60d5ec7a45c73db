"""Forms of the notify pages: the failures filter and the template editor."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from telcodesk.notify.kinds import Kind, kind_choices


class FailureFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    since = forms.DateField(label=pgettext_lazy("date range", "From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=pgettext_lazy("date range", "To"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)
        kind_field.choices = [("", _("All kinds")), *kind_choices()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            raise forms.ValidationError(_("The end date lies before the start date."))
        return data


class TemplateForm(forms.Form):
    body = forms.CharField(label=_("Template"), max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, kind: Kind, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = ", ".join("{" + name + "}" for name in kind.placeholders)
        self.fields["body"].help_text = _("Placeholders: %(names)s") % {"names": names}
