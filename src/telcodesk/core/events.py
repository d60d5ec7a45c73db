"""TMF event hub shared by every TMF Open API: listeners, events, delivery.

- ``hub_router(api_name, resource_name)``: a django-ninja router with
  ``POST /hub`` (register a listener: ``{"callback": "...", "query": "..."}`` →
  201 + ``Location``, ``{"id", "callback", "query"}``) and ``DELETE /hub/{id}``
  (204). A resource module mounts it into its own router::

      router.add_router("", hub_router("troubleTicket", "troubleTicket"))

- ``do_publish_event(now=..., api=..., event_type=..., resource=..., subject=...)``:
  called by services inside their transaction; writes one ``TmfEvent`` row per
  listener of that API whose query matches and whose user may see ``subject``
  (the record the event is about). Nothing is sent here.
- ``deliver_due_events(now=...)``: run by the clock process every few seconds
  (job ``core.deliver_tmf_events``); POSTs every due event to its listener's
  callback, retries with exponential backoff and gives up after
  ``TELCODESK_EVENT_MAX_ATTEMPTS`` attempts (state ``failed``).

A listener carries the scope of the user who registered it: an event reaches it
only while that user could ``GET`` the record (the record's own selector, given
by its app with ``register_event_subject``; checked at publication and again at
delivery, state ``withheld`` otherwise), and its numbers are masked as that user
sees them on ``GET`` (``core.selectors.shown``). Callbacks must point to public
addresses: a URL whose host is, or resolves to, a loopback, private, link-local or
otherwise non-public address is refused at registration and at every delivery,
unless ``TELCODESK_EVENT_PRIVATE_CALLBACKS`` allows it; redirects are not followed.

Listener queries understand the simple TMF form: ``eventType=A`` or
``eventType=A,B`` (any of), optionally joined with ``&`` to attribute tests on
the resource (``status=resolved``, ``relatedParty.id=C1`` on first-level or
dotted attributes). An empty query matches every event of the API.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import logging
import socket
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Min, Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router
from pydantic import BaseModel, ConfigDict

from telcodesk.core import clock, tmf
from telcodesk.core.errors import CoreError, CoreErrorCode
from telcodesk.core.ids import row_id
from telcodesk.core.memo import forget
from telcodesk.core.memo import transaction_memo as memo_of
from telcodesk.core.models import HubRegistration, TmfEvent, TmfEventState, User
from telcodesk.core.roles import Role
from telcodesk.core.selectors import shown

log = logging.getLogger(__name__)

MAX_CALLBACK_LENGTH = 500
MAX_QUERY_LENGTH = 500
# A claimed event is not claimed again before this lease runs out.
DELIVERY_LEASE = dt.timedelta(seconds=60)
DELIVERY_TIMEOUT_SECONDS = 5.0


def max_attempts() -> int:
    return int(getattr(settings, "TELCODESK_EVENT_MAX_ATTEMPTS", 10))


def retry_delay(attempts: int) -> dt.timedelta:
    """Wait before the next attempt after ``attempts`` failed ones: 30 s, 1 min, 2 min... ≤ 1 h."""
    base = float(getattr(settings, "TELCODESK_EVENT_RETRY_BASE_SECONDS", 30))
    ceiling = float(getattr(settings, "TELCODESK_EVENT_RETRY_MAX_SECONDS", 3600))
    return dt.timedelta(seconds=min(ceiling, base * 2 ** max(0, attempts - 1)))


# --- listeners ----------------------------------------------------------------------------


def parse_query(query: str) -> list[tuple[str, set[str]]]:
    """The conditions of a listener query; a bad query raises ``CoreError``."""
    query = query.strip()
    if not query:
        return []
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise CoreError(CoreErrorCode.INVALID,
                        f"query {query!r}: use name=value pairs joined with &, "
                        "e.g. eventType=TroubleTicketStatusChangeEvent") from None
    conditions = []
    for name, value in pairs:
        values = {v.strip() for v in value.split(",") if v.strip()}
        if not name or not values:
            raise CoreError(CoreErrorCode.INVALID, f"query {query!r}: {name or '?'} needs a value")
        conditions.append((name, values))
    return conditions


def _attribute(resource: Mapping[str, Any], dotted: str) -> list[str]:
    """Values of a (dotted) attribute of a TMF document; lists are searched item by item."""
    current: list[Any] = [resource]
    for part in dotted.split("."):
        found: list[Any] = []
        for item in current:
            if isinstance(item, Mapping) and part in item:
                value = item[part]
                found.extend(value if isinstance(value, list) else [value])
        current = found
    return [str(v) for v in current if not isinstance(v, (Mapping, list))]


def query_matches(query: str, *, event_type: str, resource: Mapping[str, Any]) -> bool:
    try:
        conditions = parse_query(query)
    except CoreError:
        return False
    for name, values in conditions:
        if name == "eventType":
            if event_type not in values:
                return False
        elif not values.intersection(_attribute(resource, name)):
            return False
    return True


def private_callbacks_allowed() -> bool:
    return bool(getattr(settings, "TELCODESK_EVENT_PRIVATE_CALLBACKS", False))


def resolve_host(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to (an IP literal resolves to itself)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_callback_address(callback: str) -> None:
    """Refuse a callback whose host is, or resolves to, a non-public address (loopback,
    private, link-local, reserved …): the hub must not make the server call inside.
    ``TELCODESK_EVENT_PRIVATE_CALLBACKS`` lifts the rule (tests, closed networks)."""
    if private_callbacks_allowed():
        return
    parts = urlsplit(callback)
    host = parts.hostname or ""
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        addresses = resolve_host(host, port)
    except (OSError, UnicodeError, ValueError):
        raise CoreError(CoreErrorCode.INVALID,
                        f"callback host {host!r} cannot be resolved") from None
    refused = [a for a in addresses if not _is_public(a)]
    if refused or not addresses:
        raise CoreError(CoreErrorCode.INVALID,
                        f"callback host {host!r} is not a public address "
                        f"({', '.join(refused) or 'no address'}): listeners must be "
                        "reachable on the internet")


def _check_callback(callback: str) -> str:
    callback = callback.strip()
    parts = urlsplit(callback)
    if parts.scheme not in ("http", "https") or not parts.netloc or not parts.hostname:
        raise CoreError(CoreErrorCode.INVALID,
                        f"callback {callback!r}: an absolute http or https URL is required")
    if len(callback) > MAX_CALLBACK_LENGTH:
        raise CoreError(CoreErrorCode.INVALID,
                        f"callback: at most {MAX_CALLBACK_LENGTH} characters")
    if parts.username or parts.password:
        raise CoreError(CoreErrorCode.INVALID, "callback: no user name or password in the URL")
    check_callback_address(callback)
    return callback


# --- who may receive an event ---------------------------------------------------------------

# "app_label.model" → the app's selector of the records a user may GET.
_SUBJECTS: dict[str, Callable[[User], QuerySet[Any]]] = {}


def subject_type(model: type[Model] | Model) -> str:
    return str(model._meta.label_lower)


def register_event_subject(model: type[Model], visible_to: Callable[[User], QuerySet[Any]],
                           ) -> None:
    """Declare which selector decides who may receive events about ``model`` records:
    the same one its API's ``GET`` uses. Called by the app's ``ready()``."""
    _SUBJECTS[subject_type(model)] = visible_to


def may_receive(user: User | None, *, subject_type: str, subject_id: str) -> bool:
    """Whether a listener registered by ``user`` may receive an event about a record:
    an active user who could ``GET`` it now. A record of an undeclared kind goes to
    nobody."""
    if user is None or not user.is_active:
        return False
    visible_to = _SUBJECTS.get(subject_type)
    if visible_to is None or not subject_id:
        return False
    return visible_to(user).filter(pk=subject_id).exists()


def do_register_listener(*, now: dt.datetime, api: str, callback: str, query: str = "",
                         actor: User) -> HubRegistration:
    """Register a listener carrying ``actor``'s scope: it receives the events of the
    records ``actor`` may see, masked as ``actor`` sees them."""
    from telcodesk.core.services import do_audit

    if not isinstance(actor, User):
        raise CoreError(CoreErrorCode.INVALID,
                        "a listener is registered by a user, whose scope it carries")
    callback = _check_callback(callback)
    query = (query or "").strip()
    if len(query) > MAX_QUERY_LENGTH:
        raise CoreError(CoreErrorCode.INVALID, f"query: at most {MAX_QUERY_LENGTH} characters")
    parse_query(query)
    with transaction.atomic():
        registration = HubRegistration.objects.create(
            api=api, callback=callback, query=query, created_by=actor, created_at=now)
        do_audit(now=now, actor=actor, channel="api", action="hub.register",
                 target_type="core.HubRegistration", target_id=registration.pk,
                 summary=f"{api} listener {callback}")
    forget_listeners()
    return registration


def listeners_visible_to(user: User, *, api: str) -> Any:
    """Listeners ``user`` may see and remove: their own; all of them for administrators."""
    listeners = HubRegistration.objects.filter(api=api)
    if user.is_superuser or user.has_role(Role.ADMINISTRATOR):
        return listeners
    return listeners.filter(created_by=user)


def do_unregister_listener(*, now: dt.datetime, registration: HubRegistration,
                           actor: User | None) -> None:
    """Remove a listener; its undelivered events go with it."""
    from telcodesk.core.services import do_audit

    with transaction.atomic():
        do_audit(now=now, actor=actor, channel="api", action="hub.unregister",
                 target_type="core.HubRegistration", target_id=registration.pk,
                 summary=f"{registration.api} listener {registration.callback}")
        registration.delete()
    forget_listeners()


# --- publishing -----------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def do_publish_event(*, now: dt.datetime, api: str, event_type: str,
                     resource: Mapping[str, Any], subject: Model,
                     resource_name: str | None = None) -> list[TmfEvent]:
    """Queue ``event_type`` about ``resource`` for every listener of ``api`` that wants
    it and whose user may see ``subject`` (the record ``resource`` renders).

    Runs in the caller's transaction: a rolled-back change sends no event. The
    payload is ``{"eventId", "eventTime", "eventType", "event": {<resourceName>:
    resource}}``; ``resource_name`` defaults to ``api`` (``troubleTicket``,
    ``productOrder``). Every listener gets the same ``eventId``. ``resource`` is
    stored with numbers in full; each listener gets them as its user may see them.
    """
    kind, key = subject_type(subject), str(subject.pk)
    registrations = [
        r for r in HubRegistration.objects.filter(api=api).select_related(
            "created_by", "created_by__org_unit").order_by("pk")
        # The query sees the record as the listener's user does: no probing for numbers.
        if query_matches(r.query, event_type=event_type, resource=shown(r.created_by, resource))
        and may_receive(r.created_by, subject_type=kind, subject_id=key)
    ]
    if not registrations:
        return []
    event_id = uuid.uuid4().hex
    payload = {
        "eventId": event_id,
        "eventTime": tmf.tmf_datetime(now),
        "eventType": event_type,
        "event": {resource_name or api: _jsonable(dict(resource))},
    }
    return TmfEvent.objects.bulk_create([
        TmfEvent(registration=r, event_id=event_id, event_type=event_type, event_time=now,
                 payload=payload, next_attempt_at=now, subject_type=kind, subject_id=key)
        for r in registrations
    ])


# --- delivery -----------------------------------------------------------------------------------


class DeliveryFailed(Exception):
    """The listener did not accept the event (network error or a non-2xx answer)."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A listener answering with a redirect has not accepted the event; following it
    could lead the server to an address the callback check would have refused."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def http_post(url: str, body: bytes, *, timeout: float = DELIVERY_TIMEOUT_SECONDS) -> int:
    """POST a JSON body; the HTTP status, or ``DeliveryFailed`` when none came back."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise DeliveryFailed(f"unsupported callback scheme in {url!r}")
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, data=body, method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "telcodesk-events"})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryFailed(f"{exc.__class__.__name__}: {reason}") from None


@dataclass(frozen=True)
class DeliveryStats:
    delivered: int = 0
    retried: int = 0
    failed: int = 0
    withheld: int = 0

    def __str__(self) -> str:
        return (f"{self.delivered} events delivered, {self.retried} to retry, "
                f"{self.failed} given up, {self.withheld} withheld")


def claim_event(event_id: int, *, now: dt.datetime, lease: dt.timedelta = DELIVERY_LEASE,
                ) -> bool:
    """Take one due event for delivery; True for exactly one caller until the lease ends."""
    changed = TmfEvent.objects.filter(
        pk=event_id, state=TmfEventState.PENDING, next_attempt_at__lte=now,
    ).update(next_attempt_at=now + lease, attempts=F("attempts") + 1)
    return changed == 1


def _first_pending(registration_ids: set[int]) -> dict[int, int]:
    """The oldest pending event of each listener: the only one that may go out next."""
    rows = (TmfEvent.objects.filter(state=TmfEventState.PENDING,
                                    registration_id__in=registration_ids)
            .values("registration_id").annotate(first=Min("pk")))
    return {row["registration_id"]: row["first"] for row in rows}


def deliver_due_events(*, now: dt.datetime, limit: int = 200,
                       post: Callable[[str, bytes], int] = http_post) -> DeliveryStats:
    """Deliver up to ``limit`` due events.

    Events of one listener go out in the order they were published: an event
    waits while an older one of its listener is still pending (waiting for its
    retry), so a dead listener costs one timeout per pass, and a listener never
    sees a later state change before an earlier one.
    """
    due = list(
        TmfEvent.objects.filter(state=TmfEventState.PENDING, next_attempt_at__lte=now)
        .order_by("pk").values_list("pk", "registration_id")[:limit]
    )
    head = _first_pending({registration_id for _, registration_id in due})
    delivered = retried = failed = withheld = 0
    for pk, registration_id in due:
        if head.get(registration_id) != pk or not claim_event(pk, now=now):
            continue
        event = TmfEvent.objects.select_related(
            "registration", "registration__created_by",
            "registration__created_by__org_unit").get(pk=pk)
        user = event.registration.created_by
        allowed = may_receive(user, subject_type=event.subject_type,
                              subject_id=event.subject_id)
        error = ""
        if allowed:
            body = json.dumps(shown(user, event.payload), ensure_ascii=False).encode()
            try:
                check_callback_address(event.registration.callback)
                status = post(event.registration.callback, body)
                error = "" if 200 <= status < 300 else f"HTTP {status}"
            except (DeliveryFailed, CoreError) as exc:
                error = str(exc)
        if not allowed or not error:
            if allowed:
                TmfEvent.objects.filter(pk=pk).update(
                    state=TmfEventState.DELIVERED, delivered_at=now, next_attempt_at=None,
                    last_error="")
                delivered += 1
            else:
                # The listener's user may no longer see the record: never sent.
                TmfEvent.objects.filter(pk=pk).update(
                    state=TmfEventState.WITHHELD, next_attempt_at=None,
                    last_error="the listener's user may not see this record")
                withheld += 1
            following = (TmfEvent.objects.filter(registration_id=registration_id,
                                                 state=TmfEventState.PENDING, pk__gt=pk)
                         .order_by("pk").values_list("pk", flat=True).first())
            if following is not None:
                head[registration_id] = following
            continue
        if event.attempts >= max_attempts():
            # Given up: the listener's next event may go on the next pass.
            TmfEvent.objects.filter(pk=pk).update(
                state=TmfEventState.FAILED, next_attempt_at=None, last_error=error[:300])
            failed += 1
            log.warning("TMF event %s to listener %s given up after %s attempts: %s",
                        event.event_id, registration_id, event.attempts, error)
        else:
            TmfEvent.objects.filter(pk=pk).update(
                next_attempt_at=now + retry_delay(event.attempts), last_error=error[:300])
            retried += 1
        head.pop(registration_id, None)
    return DeliveryStats(delivered, retried, failed, withheld)


# --- the hub endpoints ----------------------------------------------------------------------------


class EventSubscriptionIn(BaseModel):
    """TMF ``EventSubscriptionInput``."""

    model_config = ConfigDict(extra="forbid")

    callback: str
    query: str | None = None


class EventSubscriptionOut(BaseModel):
    """TMF ``EventSubscription``."""

    id: str
    callback: str
    query: str | None = None


def subscription_document(registration: HubRegistration) -> dict[str, Any]:
    document = {"id": str(registration.pk), "callback": registration.callback}
    if registration.query:
        document["query"] = registration.query
    return document


def hub_router(api_name: str, resource_name: str | None = None) -> Router:
    """``POST /hub`` and ``DELETE /hub/{id}`` for the listeners of ``api_name``.

    Mount it into the resource's router (paths are relative to its base path).
    ``resource_name`` only names the OpenAPI tag; events name their resource in
    ``do_publish_event``.
    """
    router = Router(tags=[f"{resource_name or api_name} events"])
    item_url_name = f"{api_name}-hub-item"
    errors: dict[int, Any] = {code: tmf.ErrorOut for code in (400, 401, 403, 404, 415)}

    def user_of(request: HttpRequest) -> User:
        user = request.user
        if not isinstance(user, User):
            raise PermissionDenied("authentication required")
        return user

    @router.post("/hub", response={201: EventSubscriptionOut, **errors},
                 summary="Register a listener", url_name=f"{api_name}-hub",
                 operation_id=f"{api_name}_register_listener",
                 openapi_extra={"requestBody": tmf.body_schema(EventSubscriptionIn)})
    def register_listener(request: HttpRequest) -> HttpResponse:
        user = user_of(request)
        body = tmf.validate_body(EventSubscriptionIn, tmf.read_json_object(request))
        registration = do_register_listener(now=clock.now(), api=api_name,
                                            callback=body.callback, query=body.query or "",
                                            actor=user)
        document = subscription_document(registration)
        response = tmf.json_response(document, status=201)
        namespace = request.resolver_match.namespace if request.resolver_match else "tmf"
        response["Location"] = request.build_absolute_uri(
            reverse(f"{namespace}:{item_url_name}", kwargs={"id": registration.pk}))
        return response

    @router.delete("/hub/{id}", response={204: None, **errors},
                   summary="Unregister a listener", url_name=item_url_name,
                   operation_id=f"{api_name}_unregister_listener")
    def unregister_listener(request: HttpRequest, id: str) -> HttpResponse:
        user = user_of(request)
        key = row_id(id)
        registration = (listeners_visible_to(user, api=api_name).filter(pk=key).first()
                        if key is not None else None)
        if registration is None:
            raise Http404(f"no listener {id}")
        do_unregister_listener(now=clock.now(), registration=registration, actor=user)
        return HttpResponse(status=204)

    return router


LISTENERS_MEMO = "core.hub-listeners"


def has_listeners(api: str) -> bool:
    """Whether any listener is registered on ``api``'s hub: building a TMF document
    costs queries, so a publisher skips it when nobody listens.

    Asked once per hub and transaction (``core.memo``): a service writing many
    records publishes many events. Registering or removing a listener forgets it."""
    memo = memo_of(LISTENERS_MEMO)
    if memo is not None and api in memo:
        return bool(memo[api])
    found = HubRegistration.objects.filter(api=api).exists()
    if memo is not None:
        memo[api] = found
    return found


def forget_listeners(**_kwargs: Any) -> None:
    """Listeners changed: the next ``has_listeners`` asks the database again (also a
    ``post_save`` / ``post_delete`` receiver of ``HubRegistration``)."""
    forget(LISTENERS_MEMO)
