"""QuickSelect writes out the same HTML as Django's Select and its templates."""

from __future__ import annotations

import pytest
from django import forms
from django.utils.safestring import mark_safe

from telcodesk.core.models import OrgUnit
from telcodesk.core.widgets import QuickSelect

CHOICES = [("", "全部"), ("a&b", 'Tom "&" <Jerry>'), ("3", mark_safe("<b>粗</b>")), (4, 4)]
GROUPED = [("", "—"), ("城区", [("xd", "小店区"), ("yz", "迎泽区")]),
           ("郊县", [("qx", "清徐县")]), ("other", "其他")]


@pytest.mark.parametrize("choices", [CHOICES, GROUPED], ids=["flat", "groups"])
@pytest.mark.parametrize("value", [None, "", "a&b", "3", 4, "qx", "missing"])
@pytest.mark.parametrize("attrs", [None, {"data-autosubmit": ""},
                                   {"required": True, "disabled": False,
                                    "title": 'say "hi" & <go>', "class": "wide"}])
def test_quick_select_renders_what_django_renders(choices, value, attrs):
    django_select = forms.Select(attrs=attrs, choices=choices)
    quick_select = QuickSelect(attrs=attrs, choices=choices)
    expected = django_select.render("pick", value, attrs={"id": "id_pick"})
    assert quick_select.render("pick", value, attrs={"id": "id_pick"}) == expected


@pytest.mark.django_db
def test_a_form_field_with_a_quick_select_renders_as_before(org):
    class Before(forms.Form):
        unit = forms.ModelChoiceField(queryset=OrgUnit.objects.order_by("code"),
                                      to_field_name="code", empty_label="全部",
                                      required=False)

    class After(forms.Form):
        unit = forms.ModelChoiceField(queryset=OrgUnit.objects.order_by("code"),
                                      to_field_name="code", empty_label="全部",
                                      required=False, widget=QuickSelect)

    for data in (None, {"unit": org.xiaodian.code}, {"unit": "nowhere"}):
        before, after = Before(data), After(data)
        if data:  # errors shown beside the field
            assert before.is_valid() == after.is_valid()
        assert str(after["unit"]) == str(before["unit"])
        assert after.as_div() == before.as_div()
