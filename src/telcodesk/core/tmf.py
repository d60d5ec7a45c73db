"""Helpers shared by every TMF Open API resource.

A resource module (``<app>/api.py``) stays thin: it reads the request through
these helpers, calls selectors and services, and answers with these helpers.

- ``TmfError`` and ``error_response``: the TMF ``Error`` body
  (``code``, ``reason``, ``message``, ``status``); ``install_error_handlers``
  maps every exception the API can raise to it.
- ``TmfNinjaAPI``: a ``NinjaAPI`` whose "method not allowed" and "no such path"
  answers are TMF errors too.
- ``parse_paging`` / ``collection_response``: ``offset`` and ``limit``,
  ``X-Total-Count``, ``X-Total-Count-Exact`` and ``X-Result-Count``;
  ``count_matches``: the total, exact up to ``TELCODESK_API_EXACT_COUNT_LIMIT``
  matches, above it the planner's estimate (PostgreSQL) or a count kept for
  ``TELCODESK_API_COUNT_CACHE_SECONDS`` (SQLite), so no list page counts the
  caller's whole scope on every request.
- ``list_response`` (one table) / ``merged_list_response`` (several, merged by
  date): a whole list endpoint.
- ``parse_fields`` / ``select_fields``: ``fields=`` selection of first-level
  attributes.
- ``FilterSet``: attribute filters. Declared ones (``engagedParty.id=...``) and
  first-level attributes mapped to a column (``Column``, with ``.gt``, ``.gte``,
  ``.lt``, ``.lte``) filter in the database; any other attribute of the rendered
  document (``content=...``, ``relatedParty.role=...``) is matched on the
  document itself by ``list_response``. A parameter naming no attribute is refused.
- ``read_json`` / ``read_merge_patch`` / ``validate_body``: request bodies, their
  content type and their schema.
- ``merge_patch``: RFC 7386 JSON merge patch.
- ``href_base``, ``resource_href``, ``created_response``, ``tmf_datetime``.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import hashlib
import heapq
import itertools
import json
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from http import HTTPStatus
from operator import ge as operator_ge
from operator import gt as operator_gt
from operator import le as operator_le
from operator import lt as operator_lt
from types import UnionType
from typing import Any, Literal, TypeVar, Union, get_args, get_origin
from urllib.parse import quote

import pydantic
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import Resolver404, URLPattern, URLResolver, re_path, resolve
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from telcodesk.core.errors import DomainError
from telcodesk.core.ids import row_id
from telcodesk.core.selectors import may_see_full_numbers, shown

logger = logging.getLogger(__name__)

JSON_CONTENT_TYPE = "application/json"
MERGE_PATCH_CONTENT_TYPE = "application/merge-patch+json"

# Query parameters every collection understands besides its attribute filters.
RESERVED_PARAMETERS = frozenset({"fields", "offset", "limit"})
# Comparison operators a filter may append to an attribute (``orderDate.gte=``).
COMPARISONS = ("gt", "gte", "lt", "lte")
# Rows rendered per database round trip when filtering on rendered documents.
DOCUMENT_FILTER_CHUNK = 500
UNKNOWN_PATH_URL_NAME = "tmf-unknown-path"
# Attributes kept whatever ``fields=`` asks for.
ALWAYS_KEPT = ("id", "href", "@type")


# --- errors ---------------------------------------------------------------------


class TmfErrorCode(StrEnum):
    """``code`` of the TMF Error body for failures detected by the API layer itself.

    Domain errors keep their own codes (``DomainError.code``).
    """

    BAD_REQUEST = "bad_request"
    INVALID_BODY = "invalid_body"
    INVALID_PARAMETER = "invalid_parameter"
    UNKNOWN_FILTER = "unknown_filter"
    UNKNOWN_FIELD = "unknown_field"
    NOT_PATCHABLE = "not_patchable"
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    CONFLICT = "conflict"
    TOO_MANY_REQUESTS = "too_many_requests"
    INTERNAL_ERROR = "internal_error"


class TmfError(DomainError):
    """An error found while reading a request: bad parameter, body, media type..."""

    def __init__(self, code: str, message: str, *, status: int = 400) -> None:
        super().__init__(code, message)
        self.http_status = status


def error_body(
    *, status: int, code: str, message: str, reason: str | None = None
) -> dict[str, str]:
    """The TMF ``Error`` object. ``reason`` defaults to the HTTP reason phrase."""
    return {
        "code": str(code),
        "reason": reason or _reason_phrase(status),
        "message": message,
        "status": str(status),
        "@type": "Error",
    }


def error_response(
    *, status: int, code: str, message: str, reason: str | None = None
) -> HttpResponse:
    return json_response(error_body(status=status, code=code, message=message, reason=reason),
                         status=status)


def _reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def json_response(data: Any, *, status: int = 200) -> HttpResponse:
    """A JSON response (``application/json``), any JSON-able value including lists."""
    return HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False),
        status=status,
        content_type=f"{JSON_CONTENT_TYPE}; charset=utf-8",
    )


def _validation_message(errors: Iterable[Mapping[str, Any]], *, skip_source: bool) -> str:
    parts = []
    for error in errors:
        loc = [str(p) for p in error.get("loc", ())]
        if skip_source and loc and loc[0] in {"query", "path", "body", "header", "cookie"}:
            source, loc = loc[0], loc[1:]
            if source == "body" and loc and loc[0] in {"payload", "data", "body"}:
                loc = loc[1:]
        name = ".".join(loc) or "body"
        parts.append(f"{name}: {error.get('msg', 'invalid value')}")
    return "; ".join(parts) or "invalid request"


def install_error_handlers(api: NinjaAPI) -> None:
    """Answer every failure of ``api`` with the TMF Error body."""

    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return error_response(status=exc.http_status, code=exc.code, message=exc.message)

    def ninja_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return error_response(status=400, code=TmfErrorCode.INVALID_PARAMETER,
                              message=_validation_message(exc.errors, skip_source=True))

    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        detail = str(exc) if isinstance(exc, DomainError) else ""
        return error_response(status=404, code=TmfErrorCode.NOT_FOUND,
                              message=detail or "no such resource")

    def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = exc.message if exc.message != "Unauthorized" else (
            "authentication required: send 'Authorization: Bearer <token>'"
        )
        response = error_response(status=401, code=TmfErrorCode.UNAUTHORIZED, message=message)
        response["WWW-Authenticate"] = 'Bearer realm="tmf-api"'
        return response

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = {
            400: TmfErrorCode.BAD_REQUEST,
            403: TmfErrorCode.FORBIDDEN,
            404: TmfErrorCode.NOT_FOUND,
            405: TmfErrorCode.METHOD_NOT_ALLOWED,
            409: TmfErrorCode.CONFLICT,
            415: TmfErrorCode.UNSUPPORTED_MEDIA_TYPE,
            429: TmfErrorCode.TOO_MANY_REQUESTS,
        }.get(exc.status_code, TmfErrorCode.BAD_REQUEST)
        return error_response(status=exc.status_code, code=code, message=exc.message)

    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return error_response(status=403, code=TmfErrorCode.FORBIDDEN,
                              message=str(exc) or "you may not do this")

    def internal(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("TMF API failure on %s %s", request.method, request.path)
        return error_response(status=500, code=TmfErrorCode.INTERNAL_ERROR,
                              message="internal error; the failure has been logged")

    handlers: list[tuple[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]] = [
        (Exception, internal),
        (DomainError, domain_error),
        (NinjaValidationError, ninja_validation),
        (Http404, not_found),
        (HttpError, http_error),
        (AuthenticationError, unauthorized),
        (PermissionDenied, forbidden),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)


class TmfNinjaAPI(NinjaAPI):
    """A ``NinjaAPI`` that answers with the TMF Error body everywhere.

    django-ninja answers an unsupported method on a known path with a bare 405,
    outside its exception handlers, and an unknown path never reaches it. This
    class rewraps the first and adds a catch-all pattern for the second.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        install_error_handlers(self)

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = _tmf_view(pattern.callback)
        patterns.append(re_path(r"^.*$", _unknown_path, name=UNKNOWN_PATH_URL_NAME))
        return patterns, app_name, namespace

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """The OpenAPI document, with the ``$defs`` of ``body_schema`` moved to components."""
        schema = super().get_openapi_schema(**kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        # A copy: the paths share the operations' ``openapi_extra`` dicts, which
        # must keep their ``$defs`` for the next time the document is built.
        schema["paths"] = copy.deepcopy(schema.get("paths", {}))
        _hoist_defs(schema["paths"], components)
        return schema


def body_schema(model: type[pydantic.BaseModel], *media_types: str) -> dict[str, Any]:
    """An OpenAPI ``requestBody`` for ``openapi_extra`` documenting a body read by hand."""
    schema = model.model_json_schema(by_alias=True, ref_template=_COMPONENT_REF)
    return {"required": True,
            "content": {media: {"schema": schema} for media in media_types or (JSON_CONTENT_TYPE,)}}


_COMPONENT_REF = "#/components/schemas/{model}"


def _hoist_defs(node: Any, components: dict[str, Any]) -> None:
    if isinstance(node, dict):
        defs = node.pop("$defs", None)
        if isinstance(defs, dict):
            components.update(defs)
        for value in node.values():
            _hoist_defs(value, components)
    elif isinstance(node, list):
        for value in node:
            _hoist_defs(value, components)


def _tmf_view(view: Callable[..., Any]) -> Callable[..., Any]:
    """Every TMF operation's edge: the TMF 405 body, and numbers as the caller may see them."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponse) and not isinstance(
                response, HttpResponseNotAllowed):
            return shown_response(request, response)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response.get("Allow", "")
            tmf = error_response(
                status=405, code=TmfErrorCode.METHOD_NOT_ALLOWED,
                message=f"{request.method} is not supported here; allowed: {allowed}",
            )
            tmf["Allow"] = allowed
            return tmf
        return response

    return wrapper


def shown_response(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A JSON answer with every number masked unless the caller's role shows them
    (``core.selectors.shown``): e-mail addresses, SMS texts and notes included."""
    if may_see_full_numbers(getattr(request, "user", None)):
        return response
    if not response.get("Content-Type", "").startswith(JSON_CONTENT_TYPE) or not response.content:
        return response
    try:
        document = json.loads(response.content)
    except ValueError:
        return response
    response.content = json.dumps(shown(None, document, full=False), ensure_ascii=False)
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
    return response


def _unknown_path(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
    """404 for a path no operation serves; a trailing slash is dropped first
    (``/troubleTicket/`` is the collection ``/troubleTicket``)."""
    path = request.path_info
    if path.endswith("/") and path.strip("/"):
        try:
            match = resolve(path.rstrip("/"))
        except Resolver404:
            match = None
        here = request.resolver_match
        if (match is not None and match.url_name != UNKNOWN_PATH_URL_NAME
                and here is not None and match.namespace == here.namespace):
            return match.func(request, *match.args, **match.kwargs)
    return error_response(status=404, code=TmfErrorCode.NOT_FOUND,
                          message=f"no TMF resource at {request.path}")


_unknown_path.csrf_exempt = True  # type: ignore[attr-defined]


def method_not_allowed(method: str, message: str) -> TmfError:
    """An error to raise from an operation the specification lists but telcodesk refuses."""
    return TmfError(TmfErrorCode.METHOD_NOT_ALLOWED, f"{method} is not supported: {message}",
                    status=405)


# --- paging -------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    offset: int
    limit: int


def _non_negative_int(name: str, raw: str) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        raise TmfError(TmfErrorCode.INVALID_PARAMETER,
                       f"{name} must be a whole number, not {raw!r}") from None
    if value < 0:
        raise TmfError(TmfErrorCode.INVALID_PARAMETER, f"{name} must not be negative")
    return value


def parse_paging(request: HttpRequest) -> Page:
    """``offset`` (default 0) and ``limit`` (default and maximum from the settings)."""
    default_limit: int = settings.TELCODESK_API_DEFAULT_LIMIT
    max_limit: int = settings.TELCODESK_API_MAX_LIMIT
    offset = _non_negative_int("offset", request.GET["offset"]) if "offset" in request.GET else 0
    if "limit" in request.GET:
        limit = _non_negative_int("limit", request.GET["limit"])
        if limit < 1 or limit > max_limit:
            raise TmfError(TmfErrorCode.INVALID_PARAMETER,
                           f"limit must be between 1 and {max_limit}")
    else:
        limit = default_limit
    return Page(offset=offset, limit=limit)


M = TypeVar("M", bound=Model)


class Total(int):
    """``X-Total-Count``: how many items match (an ``int``), and whether it is ``exact``."""

    exact: bool

    def __new__(cls, value: int, exact: bool = True) -> Total:
        total = super().__new__(cls, value)
        total.exact = exact
        return total


def count_matches(queryset: QuerySet[Any]) -> Total:
    """How many rows ``queryset`` matches, without counting a large scope every time.

    Up to ``TELCODESK_API_EXACT_COUNT_LIMIT`` matches the count is exact (a count
    over at most that many rows plus one). Above it: on PostgreSQL the query
    planner's estimate of the rows (``EXPLAIN``, no rows read), on other engines
    the exact count kept in the cache for ``TELCODESK_API_COUNT_CACHE_SECONDS``
    under the query's text; either is marked not exact, and is never below the
    limit plus one.
    """
    limit: int = settings.TELCODESK_API_EXACT_COUNT_LIMIT
    bare = queryset.order_by().values("pk")
    bounded = bare[: limit + 1].count()
    if bounded <= limit:
        return Total(bounded)
    connection = connections[bare.db]
    sql, params = bare.query.sql_with_params()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
        if isinstance(plan, str | bytes):
            plan = json.loads(plan)
        return Total(max(int(plan[0]["Plan"]["Plan Rows"]), limit + 1), exact=False)
    key = "tmf-count:" + hashlib.sha256(
        f"{bare.db}|{sql}|{params!r}".encode()).hexdigest()
    counted = cache.get(key)
    if counted is None:
        counted = bare.count()
        cache.set(key, counted, settings.TELCODESK_API_COUNT_CACHE_SECONDS)
    return Total(max(int(counted), limit + 1), exact=False)


def page_rows(queryset: QuerySet[M], page: Page) -> list[M]:
    """The rows of one page of an ordered queryset: with joins (``select_related``),
    the page's keys first on the narrow query, then those rows with their joins."""
    window = slice(page.offset, page.offset + page.limit)
    if queryset.query.distinct or not queryset.query.select_related:
        return list(queryset[window])
    keys = list(queryset.values_list("pk", flat=True)[window])
    if not keys:
        return []
    rows = {row.pk: row for row in queryset.filter(pk__in=keys)}
    return [rows[key] for key in keys if key in rows]


def paginate(queryset: QuerySet[M], page: Page) -> tuple[list[M], Total]:
    """One page of an ordered queryset and the number of matches (``count_matches``).

    A page shorter than the limit needs no count: the matches end on it. The page
    is found on the keys alone (the sort of the scope reads no joined table), then
    its rows are read with their joins and prefetches.
    """
    items = page_rows(queryset, page)
    if len(items) < page.limit and (items or page.offset == 0):
        return items, Total(page.offset + len(items))
    total = count_matches(queryset)
    if not total.exact:
        total = Total(max(total, page.offset + len(items)), exact=False)
    return items, total


def collection_response(items: Sequence[Any], *, total: int) -> HttpResponse:
    """200 with the page and the ``X-Total-Count`` / ``X-Result-Count`` headers.

    TMF630 allows 206 for a partial page; telcodesk always answers 200 and lets
    the two headers tell whether more is available. ``X-Total-Count-Exact`` says
    whether ``X-Total-Count`` was counted (``true``) or estimated (``false``,
    see ``count_matches``).
    """
    exact = total.exact if isinstance(total, Total) else True
    response = json_response(list(items), status=200)
    response["X-Total-Count"] = str(int(total))
    response["X-Total-Count-Exact"] = "true" if exact else "false"
    response["X-Result-Count"] = str(len(items))
    return response


# --- fields= ------------------------------------------------------------------------


def list_response(
    request: HttpRequest,
    queryset: QuerySet[M],
    *,
    filters: FilterSet,
    attributes: Iterable[str],
    render: Callable[[M], dict[str, Any]],
) -> HttpResponse:
    """A whole TMF list endpoint: paging, attribute filters, ``fields=`` and headers.

    ``queryset`` is already scoped and ordered; ``render`` turns one row into its
    TMF document. Filters on declared parameters and columns narrow the query;
    filters on any other attribute of the document are matched on the rendered
    documents, row after row in the query's order, so that ``offset``, ``limit``
    and ``X-Total-Count`` count matching documents (every candidate row is then
    rendered once: narrow with a column filter first on large collections).
    """
    page = parse_paging(request)
    known = tuple(attributes)
    fields = parse_fields(request, known)
    masked = not may_see_full_numbers(getattr(request, "user", None))
    queryset, on_documents = filters.split(queryset, request, attributes=known,
                                           masked=masked)
    total: int
    if not on_documents:
        items, total = paginate(queryset, page)
        documents = [render(item) for item in items]
    else:
        documents, matched = [], 0
        for item in queryset.iterator(chunk_size=DOCUMENT_FILTER_CHUNK):
            document = render(item)
            if _matches(document, on_documents, masked=masked):
                if page.offset <= matched < page.offset + page.limit:
                    documents.append(document)
                matched += 1
        total = matched
    return collection_response([select_fields(document, fields) for document in documents],
                               total=total)


def _matches(document: dict[str, Any], tests: Sequence[DocumentMatch], *,
             masked: bool) -> bool:
    """Whether ``document`` passes every test, as the caller sees it: masked callers'
    filters meet the masked document (``core.selectors.shown``), never hidden digits."""
    seen = shown(None, document, full=False) if masked else document
    return all(match(seen) for match in tests)


@dataclass(frozen=True)
class ListSource:
    """One table feeding a collection served from several tables (TMF683: hotline
    calls and recorded interactions).

    ``queryset`` is scoped and ordered newest first by ``order`` (descending, e.g.
    ``("entered_at", "pk")``); ``filters`` name the same parameters on every source.
    """

    queryset: QuerySet[Any]
    filters: FilterSet
    render: Callable[[Any], dict[str, Any]]
    order: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.order or self.order[-1] != "pk":
            raise ValueError("a list source's order must end with pk")

    def key(self, row: Any) -> tuple[Any, ...]:
        return tuple(getattr(row, name) for name in self.order)


def _tagged_keys(keys: Iterable[tuple[Any, ...]], index: int) -> Iterator[tuple[Any, ...]]:
    for key in keys:
        yield (*key, index)


def _tagged_rows(source: ListSource, queryset: QuerySet[Any],
                 index: int) -> Iterator[tuple[Any, ...]]:
    for row in queryset.iterator(chunk_size=DOCUMENT_FILTER_CHUNK):
        yield (*source.key(row), index, row)


# A source is filtered on its rendered documents only up to this many rows; above
# it the request is refused (400 naming the attribute) instead of rendering them all.
DOCUMENT_FILTER_CAP = 5000


def _document_attributes(filters: FilterSet, request: HttpRequest) -> list[str]:
    return sorted(name for name in request.GET
                  if name not in RESERVED_PARAMETERS and name not in filters.filters
                  and _split_operator(name)[0] not in filters.columns)


def merged_list_response(request: HttpRequest, sources: Sequence[ListSource], *,
                         attributes: Iterable[str]) -> HttpResponse:
    """``list_response`` over several sources merged by their order, newest first.

    Without document filters only the keys of the first ``offset + limit`` rows of
    each source are read to find the page, then the page's rows themselves.
    """
    page = parse_paging(request)
    known = tuple(attributes)
    fields = parse_fields(request, known)
    masked = not may_see_full_numbers(getattr(request, "user", None))
    prepared = [(index, source, *source.filters.split(source.queryset, request,
                                                      attributes=known, masked=masked))
                for index, source in enumerate(sources)]
    documents: list[dict[str, Any]] = []
    total: int
    for _index, source, queryset, on_documents in prepared:
        if on_documents and queryset[:DOCUMENT_FILTER_CAP + 1].count() > DOCUMENT_FILTER_CAP:
            names = ", ".join(_document_attributes(source.filters, request))
            raise TmfError(TmfErrorCode.INVALID_PARAMETER,
                           f"filter {names}: not indexed here and more than "
                           f"{DOCUMENT_FILTER_CAP} rows match the other filters; narrow the "
                           "request (creationDate, relatedParty.id...)")
    if not any(on_documents for *_, on_documents in prepared):
        wanted = page.offset + page.limit
        keys = heapq.merge(*[_tagged_keys(queryset.values_list(*source.order)[:wanted], index)
                             for index, source, queryset, _d in prepared], reverse=True)
        chosen = list(itertools.islice(keys, page.offset, wanted))
        rows: dict[tuple[int, Any], Any] = {}
        for index, _source, queryset, _d in prepared:
            pks = [key[-2] for key in chosen if key[-1] == index]
            if pks:
                rows.update(((index, row.pk), row) for row in queryset.filter(pk__in=pks))
        documents = [sources[key[-1]].render(rows[(key[-1], key[-2])]) for key in chosen]
        if len(chosen) < page.limit and (chosen or page.offset == 0):
            total = page.offset + len(chosen)  # every source ended on this page
        else:
            counts = [count_matches(queryset) for _i, _s, queryset, _d in prepared]
            total = Total(max(sum(counts), page.offset + len(chosen)),
                          exact=all(count.exact for count in counts))
    else:
        matched = 0
        streams = [_tagged_rows(source, queryset, index)
                   for index, source, queryset, _d in prepared]
        tests = {index: on_documents for index, _s, _q, on_documents in prepared}
        for *_key, index, row in heapq.merge(*streams, key=lambda item: item[:-1],
                                             reverse=True):
            document = sources[index].render(row)
            if _matches(document, tests[index], masked=masked):
                if page.offset <= matched < page.offset + page.limit:
                    documents.append(document)
                matched += 1
        total = matched
    return collection_response([select_fields(document, fields) for document in documents],
                               total=total)


def parse_fields(request: HttpRequest, allowed: Iterable[str]) -> frozenset[str] | None:
    """The first-level attributes asked for with ``fields=``, or None for all.

    An unknown attribute name is refused with the list of known ones.
    """
    raw = request.GET.get("fields")
    if raw is None:
        return None
    names = {name.strip() for name in raw.split(",") if name.strip()}
    known = set(allowed) | set(ALWAYS_KEPT)
    unknown = sorted(names - known)
    if unknown:
        raise TmfError(
            TmfErrorCode.UNKNOWN_FIELD,
            f"unknown field(s) {', '.join(unknown)}; known fields: {', '.join(sorted(known))}",
        )
    return frozenset(names)


def select_fields(document: dict[str, Any], fields: frozenset[str] | None) -> dict[str, Any]:
    if fields is None:
        return document
    return {k: v for k, v in document.items() if k in fields or k in ALWAYS_KEPT}


def item_fields(request: HttpRequest, allowed: Iterable[str]) -> frozenset[str] | None:
    """For a request on one resource (``GET``, ``DELETE`` …/{id}): the attributes
    ``fields=`` asks for, or None for all. An item takes no filter: any other parameter
    is refused (400), before the resource is looked up."""
    unknown = [name for name in request.GET if name not in RESERVED_PARAMETERS]
    if unknown:
        raise _unknown_parameters(unknown, declared="none", attributes=None)
    return parse_fields(request, allowed)


def item_response(document: dict[str, Any], fields: frozenset[str] | None) -> HttpResponse:
    """One resource's document, narrowed to ``fields`` (from ``item_fields``)."""
    return json_response(select_fields(document, fields))


def _unknown_parameters(unknown: Iterable[str], *, declared: str,
                        attributes: str | None) -> TmfError:
    return TmfError(
        TmfErrorCode.UNKNOWN_FILTER,
        f"unknown query parameter(s) {', '.join(sorted(unknown))}; filters: {declared}"
        + (f"; any attribute: {attributes}" if attributes is not None else "")
        + "; also fields, offset, limit",
    )


# --- attribute filters ----------------------------------------------------------------


def _text(raw: str) -> str:
    return raw


def whole_number(raw: str) -> int:
    """A ``parse`` function for row ids and counts: a whole number from 1."""
    value = row_id(raw)
    if value is None:
        raise ValueError("must be a whole number from 1")
    return value


@dataclass(frozen=True)
class Filter:
    """One attribute filter of a collection.

    ``lookup`` is an ORM lookup (``"code"``, ``"name__icontains"``) or a function
    turning the parsed value into a ``Q``. ``parse`` turns the raw text into the
    value and raises ``ValueError`` with a message for bad input. With
    ``many=True`` a comma-separated value matches any of its items
    (``status=active,suspended``).
    """

    lookup: str | Callable[[Any], Q]
    parse: Callable[[str], Any] = _text
    many: bool = False
    description: str = ""

    def q(self, raw: str) -> Q:
        items = [item.strip() for item in raw.split(",")] if self.many else [raw]
        values = [self.parse(item) for item in items if item != "" or not self.many]
        if not values:
            raise ValueError("empty value")
        if callable(self.lookup):
            result = Q()
            for value in values:
                result |= self.lookup(value)
            return result
        if self.many:
            return Q(**{f"{self.lookup}__in": values})
        return Q(**{self.lookup: values[0]})


@dataclass(frozen=True)
class Column:
    """A first-level attribute stored in one column: ``attr=v`` is an exact match,
    ``attr.gt``/``.gte``/``.lt``/``.lte`` compare (dates and numbers).

    ``parse`` turns the raw text into the column's value (``parse_datetime``,
    ``whole_number``...); ``ordered=False`` refuses the comparisons (text).
    """

    field: str
    parse: Callable[[str], Any] = _text
    ordered: bool = True

    @property
    def free_text(self) -> bool:
        """Text as typed (a description, an SMS): it may hold subscriber numbers."""
        return not self.ordered and self.parse is _text

    def q(self, operator: str | None, raw: str) -> Q:
        if operator is not None and not self.ordered:
            raise ValueError(f"{operator} compares dates and numbers; this attribute is text")
        lookup = self.field if operator is None else f"{self.field}__{operator}"
        return Q(**{lookup: self.parse(raw)})


def choice(*allowed: str, mapping: Mapping[str, Any] | None = None) -> Callable[[str], Any]:
    """A ``parse`` function accepting one of ``allowed`` in any letter case
    (``Pending`` is ``pending``), optionally mapped to a stored value."""
    by_fold = {value.casefold(): value for value in allowed}

    def parse(raw: str) -> Any:
        value = by_fold.get(raw.strip().casefold())
        if value is None:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return mapping[value] if mapping else value

    return parse


def parse_datetime(raw: str) -> dt.datetime:
    """An RFC 3339 instant with a zone (``2025-09-30T02:00:00Z``)."""
    try:
        value = dt.datetime.fromisoformat(raw.strip().replace(" ", "+"))
    except ValueError:
        raise ValueError(
            "must be an RFC 3339 date-time such as 2025-09-30T10:00:00+08:00"
        ) from None
    if value.tzinfo is None:
        raise ValueError("must carry a zone offset or Z")
    return value


def _split_operator(name: str) -> tuple[str, str | None]:
    head, _, tail = name.rpartition(".")
    if head and tail in COMPARISONS:
        return head, tail
    return name, None


def _as_instant(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or "T" not in value.upper():
        return None
    try:
        return parse_datetime(value)
    except ValueError:
        return None


def _as_number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def _leaves(document: Any, path: Sequence[str]) -> list[Any]:
    """The values at a dotted path, looking through lists (``relatedParty.role``)."""
    values = [document]
    for segment in path:
        found: list[Any] = []
        for value in values:
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict) and segment in item:
                    found.append(item[segment])
        values = found
    leaves: list[Any] = []
    for value in values:
        leaves.extend(value if isinstance(value, list) else [value])
    return leaves


def _equal(leaf: Any, raw: str) -> bool:
    if isinstance(leaf, bool):
        return raw.strip().lower() == str(leaf).lower()
    if isinstance(leaf, int | float | Decimal):
        return _as_number(raw) == _as_number(leaf)
    if not isinstance(leaf, str):
        return False  # an object or a list: filter on one of its attributes
    if leaf == raw:
        return True
    instant = _as_instant(leaf)
    return instant is not None and instant == _as_instant(raw)


def _document_match(path: Sequence[str], operator: str | None,
                    raw: str) -> Callable[[Mapping[str, Any]], bool]:
    """A test of one rendered document; bad comparison values are refused up front."""
    if operator is None:
        # TMF630: a comma separates alternatives; a value with commas also matches whole.
        options = [raw, *(part.strip() for part in raw.split(",") if "," in raw)]
        return lambda document: any(_equal(leaf, option) for leaf in _leaves(document, path)
                                    for option in options)
    instant = _as_instant(raw)
    number = None if instant is not None else _as_number(raw)
    if instant is None and number is None:
        raise ValueError(f"{operator} compares dates and numbers: give an RFC 3339 "
                         "date-time such as 2025-09-30T10:00:00+08:00 or a number")
    compare = {"gt": operator_gt, "gte": operator_ge, "lt": operator_lt,
               "lte": operator_le}[operator]

    bound: Any = instant if instant is not None else number
    read: Callable[[Any], Any] = _as_instant if instant is not None else _as_number

    def match(document: Mapping[str, Any]) -> bool:
        for leaf in _leaves(document, path):
            value = read(leaf)
            if value is not None and compare(value, bound):
                return True
        return False

    return match


DocumentMatch = Callable[[Mapping[str, Any]], bool]


@dataclass(frozen=True)
class FilterSet:
    """The attribute filters of one collection, keyed by TMF attribute name.

    ``filters`` are declared parameters; ``columns`` map first-level attributes to
    columns (exact match and comparisons, in the database). On a list endpoint
    any other attribute of the document may be filtered too (``list_response``).
    """

    filters: Mapping[str, Filter] = field(default_factory=dict)
    columns: Mapping[str, Column] = field(default_factory=dict)

    def apply(self, queryset: QuerySet[M], request: HttpRequest) -> QuerySet[M]:
        """Filter ``queryset`` in the database; any other parameter is refused."""
        filtered, on_documents = self.split(queryset, request, attributes=())
        assert not on_documents
        return filtered

    def split(self, queryset: QuerySet[M], request: HttpRequest, *,
              attributes: Iterable[str], masked: bool = False,
              ) -> tuple[QuerySet[M], list[DocumentMatch]]:
        """``queryset`` narrowed by the database filters of the request, and the
        tests of the rendered documents for the other ``attributes`` it names.

        ``masked``: the caller sees numbers masked, so free-text columns are not
        matched in the database (where they hold full numbers) but on the documents
        as the caller sees them; a filter is no way to guess a hidden digit.

        A parameter that is neither a filter nor an attribute is refused (400),
        and so is a value a filter cannot read.
        """
        known = set(attributes)
        if known:
            known |= set(ALWAYS_KEPT)
        condition = Q()
        on_documents: list[DocumentMatch] = []
        unknown = []
        for name in request.GET:
            if name in RESERVED_PARAMETERS:
                continue
            attribute, operator = _split_operator(name)
            spec = self.filters.get(name)
            column = None if spec is not None else self.columns.get(attribute)
            path = attribute.split(".")
            if spec is None and column is None and path[0] not in known:
                unknown.append(name)
                continue
            for raw in request.GET.getlist(name):
                try:
                    if spec is not None:
                        condition &= spec.q(raw)
                    elif column is not None and masked and column.free_text \
                            and operator is None and path[0] in known:
                        on_documents.append(_document_match(path, operator, raw))
                    elif column is not None:
                        condition &= column.q(operator, raw)
                    else:
                        on_documents.append(_document_match(path, operator, raw))
                except ValueError as exc:
                    raise TmfError(TmfErrorCode.INVALID_PARAMETER,
                                   f"filter {name}={raw!r}: {exc}") from None
        if unknown:
            attributes_text = ", ".join(sorted(known - set(ALWAYS_KEPT) - {"@type"})) or "none"
            declared = ", ".join(sorted({*self.filters, *self.columns})) or "none"
            raise _unknown_parameters(unknown, declared=declared,
                                      attributes=attributes_text if known else None)
        return queryset.filter(condition), on_documents

    def openapi_parameters(self) -> list[dict[str, Any]]:
        """Query parameters for ``openapi_extra`` (``fields``/``offset``/``limit`` included)."""
        params: list[dict[str, Any]] = [
            {"name": "fields", "in": "query", "required": False, "schema": {"type": "string"},
             "description": "Comma-separated first-level attributes to return"},
            {"name": "offset", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 0},
             "description": "Index of the first item to return (default 0)"},
            {"name": "limit", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1},
             "description": "Number of items to return (default and maximum are settings)"},
        ]
        for name, spec in self.filters.items():
            params.append({"name": name, "in": "query", "required": False,
                           "schema": {"type": "string"}, "description": spec.description})
        for name, column in self.columns.items():
            operators = [None, *COMPARISONS] if column.ordered else [None]
            for operator in operators:
                full = name if operator is None else f"{name}.{operator}"
                if full in self.filters:
                    continue
                params.append({"name": full, "in": "query", "required": False,
                               "schema": {"type": "string"},
                               "description": f"{name} {operator or 'equals'} (in the database)"})
        return params


FIELDS_PARAMETER: dict[str, Any] = {
    "name": "fields", "in": "query", "required": False, "schema": {"type": "string"},
    "description": "Comma-separated first-level attributes to return",
}


# --- request bodies ---------------------------------------------------------------------


def _media_type(request: HttpRequest) -> str:
    return (request.content_type or "").split(";")[0].strip().lower()


def read_json(request: HttpRequest, *, media_types: Iterable[str] = (JSON_CONTENT_TYPE,)) -> Any:
    """The request's JSON body after checking its content type (415) and syntax (400)."""
    accepted = tuple(media_types)
    if not request.body:
        raise TmfError(TmfErrorCode.INVALID_BODY, "a JSON body is required")
    media_type = _media_type(request)
    if media_type not in accepted:
        raise TmfError(
            TmfErrorCode.UNSUPPORTED_MEDIA_TYPE,
            f"Content-Type {media_type or '(none)'} is not supported; use {' or '.join(accepted)}",
            status=415,
        )
    try:
        return json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise TmfError(TmfErrorCode.INVALID_BODY, f"the body is not valid JSON: {exc}") from None


def read_json_object(request: HttpRequest) -> dict[str, Any]:
    """A JSON object body (``application/json``), as for ``POST``."""
    data = read_json(request)
    if not isinstance(data, dict):
        raise TmfError(TmfErrorCode.INVALID_BODY, "the body must be a JSON object")
    return data


def read_merge_patch(request: HttpRequest) -> dict[str, Any]:
    """A ``PATCH`` body: a JSON merge patch (RFC 7386) object.

    ``application/merge-patch+json`` and ``application/json`` are accepted; other
    media types (e.g. JSON Patch, ``application/json-patch+json``) get 415.
    """
    data = read_json(request, media_types=(MERGE_PATCH_CONTENT_TYPE, JSON_CONTENT_TYPE))
    if not isinstance(data, dict):
        raise TmfError(TmfErrorCode.INVALID_BODY, "a merge patch must be a JSON object")
    return data


class ErrorOut(pydantic.BaseModel):
    """The TMF ``Error`` body, as ``error_body`` writes it (for the API documentation)."""

    code: str
    reason: str
    message: str
    status: str
    type: str | None = pydantic.Field(default=None, alias="@type")


class TmfIn(pydantic.BaseModel):
    """A request body: attributes by their TMF names, an unknown attribute refused.

    An enumeration (a ``Literal`` attribute) is accepted in any letter case, as the
    specifications' examples write them (``"Pending"``, ``"Major"``), and kept in
    its declared form, which is how it is answered.
    """

    model_config = pydantic.ConfigDict(extra="forbid", populate_by_name=True)

    @pydantic.field_validator("*", mode="before")
    @classmethod
    def _enumeration_in_any_case(cls, value: Any, info: pydantic.ValidationInfo) -> Any:
        if not isinstance(value, str) or info.field_name is None:
            return value
        allowed = _literal_values(cls.model_fields[info.field_name].annotation)
        if not allowed or value in allowed:
            return value
        return {item.casefold(): item for item in allowed}.get(value.strip().casefold(), value)


def _literal_values(annotation: Any) -> tuple[str, ...]:
    """The string values of a ``Literal`` annotation, looking through ``X | None``."""
    if get_origin(annotation) is Literal:
        return tuple(arg for arg in get_args(annotation) if isinstance(arg, str))
    if get_origin(annotation) in (Union, UnionType):
        return tuple(value for arg in get_args(annotation) for value in _literal_values(arg))
    return ()


class RefIn(TmfIn):
    """An entity reference or related party in a request body."""

    id: str
    href: str | None = None
    name: str | None = None
    role: str | None = None
    referred_type: str | None = pydantic.Field(default=None, alias="@referredType")
    type: str | None = pydantic.Field(default=None, alias="@type")


class NoteIn(TmfIn):
    """A ``Note`` in a request body."""

    text: str
    author: str | None = None
    date: pydantic.AwareDatetime | None = None
    id: str | None = None
    type: str | None = pydantic.Field(default=None, alias="@type")


S = TypeVar("S", bound=pydantic.BaseModel)


def validate_body(schema: type[S], data: Any) -> S:
    """Validate a body against a pydantic schema; the 400 names every bad attribute."""
    try:
        return schema.model_validate(data)
    except pydantic.ValidationError as exc:
        errors = [
            {"loc": e["loc"], "msg": "not a supported attribute" if e["type"] == "extra_forbidden"
             else e["msg"]}
            for e in exc.errors(include_url=False)
        ]
        raise TmfError(TmfErrorCode.INVALID_BODY,
                       _validation_message(errors, skip_source=False)) from None


def merge_patch(target: Any, patch: Any) -> Any:
    """Apply a JSON merge patch (RFC 7386) to ``target`` and return the result.

    ``target`` is not modified. An object patch merges member by member, a
    ``null`` member removes the attribute, anything else (arrays included)
    replaces the target's value.
    """
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def refuse_attributes(patch: Mapping[str, Any], names: Iterable[str], *, why: str) -> None:
    """400 when ``patch`` carries any of ``names`` (``id``, ``href``... are not patchable)."""
    present = sorted(set(names) & set(patch))
    if present:
        raise TmfError(TmfErrorCode.NOT_PATCHABLE, f"{', '.join(present)}: {why}")


# --- links and representations ----------------------------------------------------------


def href_base(request: HttpRequest, collection_path: str) -> str:
    """Absolute URL of a collection, e.g. ``https://host/tmf-api/x/v4/thing``."""
    return request.build_absolute_uri(collection_path).rstrip("/")


def resource_href(base: str, resource_id: str) -> str:
    return f"{base}/{quote(str(resource_id), safe='')}"


def created_response(document: dict[str, Any]) -> HttpResponse:
    """201 with the new resource and ``Location`` set to its ``href``."""
    response = json_response(document, status=201)
    response["Location"] = document["href"]
    return response


def tmf_datetime(value: dt.datetime | None) -> str | None:
    """An aware instant in RFC 3339 (UTC, ``Z``), as TMF documents carry them."""
    if value is None:
        return None
    utc = value.astimezone(dt.UTC)
    spec = "milliseconds" if utc.microsecond else "seconds"
    return utc.isoformat(timespec=spec).replace("+00:00", "Z")


def time_period(start: dt.datetime | None, end: dt.datetime | None) -> dict[str, str]:
    """A TMF ``TimePeriod``; absent ends are left out, never null."""
    period = {}
    if start is not None:
        period["startDateTime"] = tmf_datetime(start)
    if end is not None:
        period["endDateTime"] = tmf_datetime(end)
    return {k: v for k, v in period.items() if v is not None}


def drop_empty(document: dict[str, Any]) -> dict[str, Any]:
    """Leave out attributes without a value: TMF schemas type them, null is not valid."""
    return {k: v for k, v in document.items() if v not in (None, "", [], {})}
