"""Forms of the complaint pages: queue filters, intake, the actions on a complaint.

Forms check the input only (required fields, lengths, a known choice). The
rules — who may act, which state allows what, first responsibility — are the
services' (``care.services.complaints``), whose refusals come back as form
errors.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from telcodesk.care.models import (
    ComplaintCategory,
    ComplaintChannel,
    ComplaintState,
    Satisfaction,
)
from telcodesk.core.models import User

ANY = [("", _("Any"))]
# How a survey answer reached us (``SurveyAnswer.channel``), for people.
# What a survey answer given on the phone is recorded as (the SMS digits).
PHONE_SURVEY_DIGITS = {Satisfaction.SATISFIED: "1", Satisfaction.FAIRLY_SATISFIED: "2",
                       Satisfaction.DISSATISFIED: "3"}


class StaffChoiceField(forms.ModelChoiceField):
    """Staff shown as "name (username) · unit"."""

    def label_from_instance(self, obj: Any) -> str:
        unit = obj.org_unit.name if getattr(obj, "org_unit", None) else ""
        name = obj.display_name or obj.username
        label = f"{name} ({obj.username})" if obj.display_name else name
        return f"{label} · {unit}" if unit else label


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"), required=False,
        choices=[("", _("Not closed")), ("all", _("All")), *ComplaintState.choices])
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=ANY + list(ComplaintCategory.choices))
    channel = forms.ChoiceField(label=_("Channel"), required=False,
                                choices=ANY + list(ComplaintChannel.choices))
    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        help_text=_("Complaint number, customer number or name, phone number, "
                                    "words of the summary."))
    mine = forms.BooleanField(label=_("Only mine"), required=False)
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)
    near = forms.BooleanField(label=_("Only near the limit"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("state", "category", "channel"):
            self.fields[name].widget.attrs["data-autosubmit"] = ""


class IntakeForm(forms.Form):
    """A new complaint. The channel has no default: the taker must say where it came from."""

    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("Choose the channel")), *ComplaintChannel.choices],
        error_messages={"required": _("Choose the channel the complaint came through.")})
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", _("Choose the category")), *ComplaintCategory.choices],
        error_messages={"required": _("Choose what the complaint is about.")})
    summary = forms.CharField(label=_("Summary"), max_length=200,
                              help_text=_("One line: what the subscriber complains about."))
    details = forms.CharField(label=_("Details"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 4}))
    customer_query = forms.CharField(
        label=_("Customer"), required=False, max_length=100,
        help_text=_("Phone number, line number or customer number."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}))
    customer = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    contact_number = forms.CharField(
        label=_("Contact number"), required=False, max_length=32,
        help_text=_("Where to reach the complainant, if not the customer's own number."))
    subscription_number = forms.CharField(label=_("Line concerned"), required=False,
                                          max_length=40)
    order_code = forms.CharField(label=_("Order concerned"), required=False, max_length=20)
    work_order_code = forms.CharField(label=_("Work order concerned"), required=False,
                                      max_length=20)
    bill_reference = forms.CharField(label=_("Bill concerned"), required=False, max_length=40,
                                     help_text=_("Bill month or reference, e.g. 2025-08."))
    received_at = forms.DateTimeField(
        label=_("Received at"), required=False,
        help_text=_("Leave empty for now. For a letter or a transfer received earlier."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    regulator_reference = forms.CharField(label=_("Regulator's reference"), required=False,
                                          max_length=60)
    contact = forms.IntegerField(required=False, widget=forms.HiddenInput)
    notify_customer = forms.BooleanField(
        label=_("Send the acknowledgement SMS"), required=False, initial=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (not data.get("customer_query") and not data.get("customer")
                and not data.get("contact_number") and not data.get("subscription_number")):
            raise forms.ValidationError(
                _("Say who complains: a customer, a line or a contact number."))
        return data


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    contacted = forms.BooleanField(label=_("I contacted the complainant"), required=False)


class TransferForm(forms.Form):
    to_user = StaffChoiceField(label=_("Transfer to"), queryset=User.objects.none(),
                               empty_label=_("Choose a colleague"))
    note = forms.CharField(label=_("Why"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("The owner stays responsible; only the handler changes."))

    def __init__(self, *args: Any, staff: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_user"]
        assert isinstance(field, forms.ModelChoiceField)
        if staff is not None:
            field.queryset = staff


class ReassignForm(forms.Form):
    new_owner = StaffChoiceField(label=_("New owner"), queryset=User.objects.none(),
                                 empty_label=_("Choose the new owner"))
    reason = forms.CharField(label=_("Reason"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, staff: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["new_owner"]
        assert isinstance(field, forms.ModelChoiceField)
        if staff is not None:
            field.queryset = staff


class ReplyForm(forms.Form):
    reply_text = forms.CharField(label=_("Reply to the complainant"), max_length=5000,
                                 widget=forms.Textarea(attrs={"rows": 5}))
    notify_customer = forms.BooleanField(label=_("Send the reply notice by SMS"),
                                         required=False, initial=True)


class CloseForm(forms.Form):
    send_survey = forms.BooleanField(label=_("Send the satisfaction survey"), required=False,
                                     initial=True)


class PhoneSurveyForm(forms.Form):
    answer = forms.ChoiceField(label=_("Answer given on the phone"),
                               choices=Satisfaction.choices, widget=forms.RadioSelect)

    def digit(self) -> str:
        return PHONE_SURVEY_DIGITS[Satisfaction(self.cleaned_data["answer"])]


class AppealForm(forms.Form):
    reference = forms.CharField(label=_("Regulator's reference"), required=False,
                                max_length=60)
