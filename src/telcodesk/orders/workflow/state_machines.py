"""The allowed state moves of customer orders (TMF622) and work orders (TMF621).

A move not listed is refused with ``OrdersError(illegal_transition)`` naming the
current state, the asked one and the states reachable from here; moves into a
state in ``*_REASON_REQUIRED`` need a reason. Checking changes nothing.

Customer order (TMF622 ``ProductOrderStateType``)::

    acknowledged ─┬─> pending (awaiting confirmation / signature) ──┐
                  ├─> inProgress ──> completed | failed | partial   │
                  ├─> held                                          │
                  ├─> rejected                                      │
                  └─> cancelled <── pending, held, pendingCancellation
    inProgress | pending | held ──> assessingCancellation ──> pendingCancellation ──> cancelled

Work order / trouble ticket (TMF621 ``TroubleTicketStatusType``)::

    acknowledged ──> inProgress | pending | held | resolved | rejected | cancelled
    inProgress   ──> pending | held | resolved | cancelled
    pending/held ──> inProgress | pending | held | resolved | cancelled
    resolved     ──> closed (subscriber confirmed, or after the confirmation window)
                 └─> inProgress (reopened by the subscriber within 7 days)
    closed, cancelled, rejected: final
"""

from __future__ import annotations

from collections.abc import Mapping

from telcodesk.orders.errors import OrdersError, OrdersErrorCode
from telcodesk.orders.models import OPEN_REPAIR_STATUSES
from telcodesk.orders.models import OrderState as O
from telcodesk.orders.models import TicketStatus as T

ORDER_TRANSITIONS: Mapping[str, frozenset[str]] = {
    O.ACKNOWLEDGED: frozenset({O.PENDING, O.IN_PROGRESS, O.HELD, O.REJECTED, O.CANCELLED}),
    O.PENDING: frozenset({O.IN_PROGRESS, O.HELD, O.CANCELLED, O.FAILED,
                          O.ASSESSING_CANCELLATION}),
    O.HELD: frozenset({O.IN_PROGRESS, O.PENDING, O.CANCELLED, O.ASSESSING_CANCELLATION}),
    O.IN_PROGRESS: frozenset({O.COMPLETED, O.FAILED, O.PARTIAL, O.HELD, O.PENDING,
                              O.ASSESSING_CANCELLATION}),
    O.ASSESSING_CANCELLATION: frozenset({O.PENDING_CANCELLATION, O.IN_PROGRESS, O.PENDING,
                                         O.HELD}),
    O.PENDING_CANCELLATION: frozenset({O.CANCELLED}),
    O.REJECTED: frozenset(),
    O.CANCELLED: frozenset(),
    O.COMPLETED: frozenset(),
    O.FAILED: frozenset(),
    O.PARTIAL: frozenset(),
}
ORDER_FINAL = frozenset(s for s, targets in ORDER_TRANSITIONS.items() if not targets)
ORDER_REASON_REQUIRED = frozenset({O.REJECTED, O.HELD, O.CANCELLED, O.FAILED,
                                   O.ASSESSING_CANCELLATION})

TICKET_TRANSITIONS: Mapping[str, frozenset[str]] = {
    T.ACKNOWLEDGED: frozenset({T.IN_PROGRESS, T.PENDING, T.HELD, T.RESOLVED, T.REJECTED,
                               T.CANCELLED}),
    T.IN_PROGRESS: frozenset({T.PENDING, T.HELD, T.RESOLVED, T.CANCELLED}),
    T.PENDING: frozenset({T.IN_PROGRESS, T.HELD, T.RESOLVED, T.CANCELLED}),
    T.HELD: frozenset({T.IN_PROGRESS, T.PENDING, T.RESOLVED, T.CANCELLED}),
    T.RESOLVED: frozenset({T.CLOSED, T.IN_PROGRESS}),
    T.CLOSED: frozenset(),
    T.CANCELLED: frozenset(),
    T.REJECTED: frozenset(),
}
TICKET_FINAL = frozenset(s for s, targets in TICKET_TRANSITIONS.items() if not targets)
# Statuses in which the SLA clock is paused (the reason says whether it is excluded).
TICKET_PAUSED = frozenset({T.PENDING, T.HELD})
TICKET_OPEN = frozenset(OPEN_REPAIR_STATUSES)
TICKET_REASON_REQUIRED = frozenset({T.PENDING, T.HELD, T.REJECTED, T.CANCELLED})


def _check(what: str, transitions: Mapping[str, frozenset[str]], needs_reason: frozenset[str],
           current: str, target: str, reason: str) -> None:
    if target not in transitions:
        raise OrdersError(OrdersErrorCode.INVALID,
                          f"{target!r} is not a {what} state; states: "
                          f"{', '.join(transitions)}")
    allowed = transitions.get(current, frozenset())
    if target not in allowed:
        reachable = ", ".join(sorted(allowed)) or "none, it is final"
        raise OrdersError(OrdersErrorCode.ILLEGAL_TRANSITION,
                          f"a {what} cannot go from {current} to {target}; "
                          f"allowed from {current}: {reachable}")
    if target in needs_reason and not (reason or "").strip():
        raise OrdersError(OrdersErrorCode.REASON_REQUIRED,
                          f"moving a {what} to {target} needs a reason")


def check_order_transition(current: str, target: str, reason: str = "") -> None:
    _check("product order", ORDER_TRANSITIONS, ORDER_REASON_REQUIRED, current, target, reason)


def check_ticket_transition(current: str, target: str, reason: str = "") -> None:
    _check("work order", TICKET_TRANSITIONS, TICKET_REASON_REQUIRED, current, target, reason)
