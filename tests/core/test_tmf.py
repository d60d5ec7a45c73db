"""The shared TMF helpers: errors, paging, fields, filters, bodies, merge patch."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.test import Client, RequestFactory
from ninja.errors import ValidationError as NinjaValidationError

from telcodesk.api import api
from telcodesk.core import tmf
from telcodesk.core.errors import CoreError, CoreErrorCode
from telcodesk.core.models import OrgUnit
from tests.tmf_schema import assert_tmf_error, assert_valid

rf = RequestFactory()
SPECS = [
    "TMF621-TroubleTicket-v4.0.0.swagger.json",
    "TMF622-ProductOrdering-v4.0.0.swagger.json",
    "TMF629-Customer-v4.0.0.swagger.json",
    "TMF657-ServiceQualityManagement-v4.0.0.swagger.json",
    "TMF681-Communication-v4.0.0.swagger.json",
    "TMF683-PartyInteraction-v4.0.0.swagger.json",
]


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", SPECS)
def test_error_body_is_a_tmf_error_of_every_spec(spec):
    body = tmf.error_body(status=404, code="not_found", message="no trouble ticket 7")
    assert_valid(spec=spec, definition="Error", instance=body)
    assert body == {"code": "not_found", "reason": "Not Found", "message": "no trouble ticket 7",
                    "status": "404", "@type": "Error"}


@pytest.mark.parametrize(("exc", "status", "code"), [
    (CoreError(CoreErrorCode.CONFLICT, "taken"), 409, "conflict"),
    (tmf.TmfError("invalid_parameter", "limit must be..."), 400, "invalid_parameter"),
    (NinjaValidationError([{"loc": ("query", "limit"), "msg": "not an integer"}]), 400,
     "invalid_parameter"),
    (Http404("gone"), 404, "not_found"),
    (PermissionDenied("no"), 403, "forbidden"),
    (tmf.method_not_allowed("DELETE", "never"), 405, "method_not_allowed"),
    (RuntimeError("boom"), 500, "internal_error"),
])
def test_every_exception_becomes_a_tmf_error(exc, status, code):
    response = api.on_exception(rf.get("/tmf-api/x"), exc)
    body = assert_tmf_error(response, status)
    assert body["code"] == code
    assert "boom" not in body["message"]  # internals are logged, not shown


def test_validation_error_names_the_bad_field():
    exc = NinjaValidationError([{"loc": ("query", "limit"), "msg": "not an integer"}])
    body = json.loads(api.on_exception(rf.get("/"), exc).content)
    assert body["message"] == "limit: not an integer"


def test_unknown_path_under_the_api_is_a_tmf_404(client):
    body = assert_tmf_error(client.get("/tmf-api/troubleTicket/v4/nothingHere"), 404)
    assert "/tmf-api/troubleTicket/v4/nothingHere" in body["message"]


def test_unsupported_method_is_a_tmf_405(client):
    response = client.put("/tmf-api/customerManagement/v4/customer", data="{}",
                          content_type="application/json")
    assert_tmf_error(response, 405)
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}


def test_no_credentials_is_a_tmf_401(db):
    response = Client().get("/tmf-api/customerManagement/v4/customer")
    assert_tmf_error(response, 401)


def test_openapi_document_is_served(client):
    response = client.get("/tmf-api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert "/tmf-api/customerManagement/v4/customer" in document["paths"]
    # Request bodies read by hand are documented, their nested schemas resolvable.
    assert "RelatedPartyIn" in document["components"]["schemas"]
    assert "$defs" not in json.dumps(document)


def test_docs_page_loads_its_scripts_locally(client):
    response = client.get("/tmf-api/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()  # the content security policy allows 'self' only


# --- paging ---------------------------------------------------------------------------------


def test_paging_defaults_and_limits(settings):
    settings.TELCODESK_API_DEFAULT_LIMIT = 25
    settings.TELCODESK_API_MAX_LIMIT = 50
    assert tmf.parse_paging(rf.get("/")) == tmf.Page(offset=0, limit=25)
    assert tmf.parse_paging(rf.get("/", {"offset": "10", "limit": "50"})) == tmf.Page(10, 50)
    for query in ({"limit": "51"}, {"limit": "0"}, {"offset": "-3"}, {"offset": "x"}):
        with pytest.raises(tmf.TmfError) as caught:
            tmf.parse_paging(rf.get("/", query))
        assert caught.value.http_status == 400


def test_paginate_and_collection_headers(org):
    units = OrgUnit.objects.order_by("path")
    items, total = tmf.paginate(units, tmf.Page(offset=6, limit=5))
    assert (len(items), total) == (2, 8)
    items, total = tmf.paginate(units, tmf.Page(offset=8, limit=5))
    assert (items, total) == ([], 8)
    response = tmf.collection_response([{"id": "a"}], total=8)
    assert response.status_code == 200
    assert (response["X-Total-Count"], response["X-Result-Count"]) == ("8", "1")


# --- fields= ----------------------------------------------------------------------------------


def test_fields_selection_keeps_identity_attributes():
    fields = tmf.parse_fields(rf.get("/", {"fields": "name, status"}), ["name", "status", "note"])
    assert fields == {"name", "status"}
    document = {"id": "1", "href": "h", "@type": "T", "name": "n", "status": "s", "note": "x"}
    assert tmf.select_fields(document, fields) == {"id": "1", "href": "h", "@type": "T",
                                                   "name": "n", "status": "s"}
    assert tmf.parse_fields(rf.get("/"), ["name"]) is None
    assert tmf.select_fields(document, None) is document
    with pytest.raises(tmf.TmfError, match="unknown field"):
        tmf.parse_fields(rf.get("/", {"fields": "name,colour"}), ["name"])


# --- filters ----------------------------------------------------------------------------------


FILTERS = tmf.FilterSet({
    "code": tmf.Filter("code", many=True),
    "kind": tmf.Filter("kind", parse=tmf.choice("city", "county")),
    "parent.id": tmf.Filter("parent__code"),
    "under": tmf.Filter(lambda code: Q(path__contains=f"/{code}/")),
})


def test_filters_map_attributes_to_lookups(org):
    units = OrgUnit.objects.order_by("code")

    def codes(query: dict[str, str]) -> list[str]:
        return [u.code for u in FILTERS.apply(units, rf.get("/", query))]

    assert codes({"kind": "city"}) == ["dt", "ty"]
    assert codes({"code": "ty,dt,nope"}) == ["dt", "ty"]
    assert codes({"parent.id": "ty"}) == ["ty-qx", "ty-xd"]
    assert codes({"under": "ty", "kind": "county"}) == ["ty-qx", "ty-xd"]
    assert codes({"offset": "0", "limit": "5", "fields": "x"}) == sorted(
        OrgUnit.objects.values_list("code", flat=True))


def test_unknown_and_malformed_filters_are_refused(org):
    with pytest.raises(tmf.TmfError) as caught:
        FILTERS.apply(OrgUnit.objects.all(), rf.get("/", {"colour": "red"}))
    assert caught.value.code == "unknown_filter"
    assert "colour" in caught.value.message
    assert "parent.id" in caught.value.message
    with pytest.raises(tmf.TmfError, match=r"kind=.*must be one of city, county"):
        FILTERS.apply(OrgUnit.objects.all(), rf.get("/", {"kind": "village"}))


def test_filter_openapi_parameters_list_every_filter():
    names = [p["name"] for p in FILTERS.openapi_parameters()]
    assert names == ["fields", "offset", "limit", "code", "kind", "parent.id", "under"]


def test_parse_datetime_needs_a_zone():
    assert tmf.parse_datetime("2025-09-30T02:00:00Z") == dt.datetime(2025, 9, 30, 2,
                                                                      tzinfo=dt.UTC)
    with pytest.raises(ValueError, match="zone"):
        tmf.parse_datetime("2025-09-30T02:00:00")


# --- bodies -----------------------------------------------------------------------------------


def test_read_json_checks_media_type_and_syntax():
    ok = rf.post("/", data='{"a": 1}', content_type="application/json; charset=utf-8")
    assert tmf.read_json_object(ok) == {"a": 1}
    for request, status in [
        (rf.post("/", data='{"a": 1}', content_type="text/plain"), 415),
        (rf.post("/", data="{", content_type="application/json"), 400),
        (rf.post("/", data="[]", content_type="application/json"), 400),
        (rf.post("/", data="", content_type="application/json"), 400),
    ]:
        with pytest.raises(tmf.TmfError) as caught:
            tmf.read_json_object(request)
        assert caught.value.http_status == status


def test_merge_patch_bodies():
    for media in ("application/merge-patch+json", "application/json"):
        assert tmf.read_merge_patch(rf.patch("/", data='{"a": null}', content_type=media)) == {
            "a": None}
    with pytest.raises(tmf.TmfError) as caught:
        tmf.read_merge_patch(rf.patch("/", data="[]", content_type="application/json-patch+json"))
    assert caught.value.http_status == 415


# RFC 7386, appendix A.
@pytest.mark.parametrize(("target", "patch", "result"), [
    ({"a": "b"}, {"a": "c"}, {"a": "c"}),
    ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
    ({"a": "b"}, {"a": None}, {}),
    ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
    ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
    ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
    ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
    ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
    (["a", "b"], ["c", "d"], ["c", "d"]),
    ({"a": "b"}, ["c"], ["c"]),
    ({"a": "foo"}, None, None),
    ({"a": "foo"}, "bar", "bar"),
    ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
    ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
    ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
])
def test_merge_patch_follows_rfc_7386(target, patch, result):
    before = json.dumps(target)
    assert tmf.merge_patch(target, patch) == result
    assert json.dumps(target) == before  # the target is not modified


def test_refuse_attributes():
    tmf.refuse_attributes({"name": "x"}, ["id", "href"], why="not patchable")
    with pytest.raises(tmf.TmfError, match="href, id: not patchable"):
        tmf.refuse_attributes({"id": "1", "href": "h"}, ["id", "href"], why="not patchable")


# --- links and values -------------------------------------------------------------------------


def test_hrefs_and_created_response():
    request = rf.get("/", secure=True)
    base = tmf.href_base(request, "/tmf-api/troubleTicket/v4/troubleTicket/")
    assert base == "https://testserver/tmf-api/troubleTicket/v4/troubleTicket"
    assert tmf.resource_href(base, "T 1/2") == f"{base}/T%201%2F2"
    response = tmf.created_response({"id": "7", "href": f"{base}/7"})
    assert (response.status_code, response["Location"]) == (201, f"{base}/7")


def test_datetimes_are_rfc3339_utc():
    shanghai = dt.timezone(dt.timedelta(hours=8))
    assert tmf.tmf_datetime(dt.datetime(2025, 9, 30, 10, 0, tzinfo=shanghai)) == (
        "2025-09-30T02:00:00Z")
    assert tmf.tmf_datetime(dt.datetime(2025, 9, 30, 2, 0, 0, 520000, tzinfo=dt.UTC)) == (
        "2025-09-30T02:00:00.520Z")
    assert tmf.tmf_datetime(None) is None
    assert tmf.time_period(dt.datetime(2025, 1, 1, tzinfo=dt.UTC), None) == {
        "startDateTime": "2025-01-01T00:00:00Z"}


def test_drop_empty_leaves_out_absent_values_only():
    assert tmf.drop_empty({"a": None, "b": "", "c": [], "d": {}, "e": 0, "f": False,
                           "g": "x"}) == {"e": 0, "f": False, "g": "x"}
