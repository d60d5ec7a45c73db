"""The test helper that checks documents against the official TMF swagger files."""

from __future__ import annotations

import pytest

from tests.tmf_schema import assert_valid, validation_errors

SPEC = "TMF629-Customer-v4.0.0.swagger.json"
GOOD = {
    "id": "C000000001",
    "href": "https://example.com/tmf-api/customerManagement/v4/customer/C000000001",
    "@type": "Customer",
    "name": "李雷",
    "engagedParty": {"id": "C000000001", "@referredType": "Individual"},
    "validFor": {"startDateTime": "2025-09-30T02:00:00Z"},
    "contactMedium": [{"mediumType": "mobile", "characteristic": {"phoneNumber": "138****5678"}}],
}


def test_a_valid_customer_and_a_list_of_them_pass():
    assert_valid(spec=SPEC, definition="Customer", instance=GOOD)
    assert_valid(spec=SPEC, definition="Customer", instance=[GOOD, GOOD])


@pytest.mark.parametrize(("change", "path"), [
    ({"engagedParty": {"id": "C1"}}, "engagedParty"),  # @referredType is required
    ({"status": None}, "status"),  # TMF attributes are typed: null is not a string
    ({"statusreason": "typo"}, "(root)"),  # strict: unknown attribute
    ({"validFor": {"startDateTime": "30/09/2025"}}, "validFor/startDateTime"),
    ({"validFor": {"startDateTime": "2025-09-30T02:00:00"}}, "validFor/startDateTime"),
    ({"contactMedium": [{"mediumType": "mobile"}]}, "contactMedium/0"),
])
def test_violations_are_reported_with_their_path(change, path):
    errors = validation_errors(spec=SPEC, definition="Customer", instance={**GOOD, **change})
    assert errors
    assert any(error.startswith(f"{path}:") for error in errors), errors
    with pytest.raises(AssertionError, match="not a valid Customer"):
        assert_valid(spec=SPEC, definition="Customer", instance={**GOOD, **change})


def test_extensions_pass_when_not_strict():
    assert_valid(spec=SPEC, definition="Customer", instance={**GOOD, "x-note": "n"},
                 strict=False)


def test_unknown_spec_or_definition_is_a_clear_failure():
    with pytest.raises(FileNotFoundError, match="TMF629"):
        assert_valid(spec="TMF000-Nothing.swagger.json", definition="X", instance={})
    with pytest.raises(KeyError, match="Bill"):
        assert_valid(spec=SPEC, definition="Bill", instance={})
