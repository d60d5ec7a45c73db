"""The TMF622 and TMF621 state machines: every move not listed is refused."""

from __future__ import annotations

import itertools

import pytest

from telcodesk.orders.errors import OrdersError
from telcodesk.orders.models import OrderState, TicketStatus
from telcodesk.orders.workflow.state_machines import (
    ORDER_REASON_REQUIRED,
    ORDER_TRANSITIONS,
    TICKET_REASON_REQUIRED,
    TICKET_TRANSITIONS,
    check_order_transition,
    check_ticket_transition,
)

ORDER_PAIRS = list(itertools.product(OrderState.values, repeat=2))
TICKET_PAIRS = list(itertools.product(TicketStatus.values, repeat=2))


def test_the_machines_cover_every_tmf_state():
    assert set(ORDER_TRANSITIONS) == set(OrderState.values)
    assert set(TICKET_TRANSITIONS) == set(TicketStatus.values)


@pytest.mark.parametrize(("current", "target"), ORDER_PAIRS)
def test_order_moves(current, target):
    if target in ORDER_TRANSITIONS[current]:
        check_order_transition(current, target, "a reason")
        if target in ORDER_REASON_REQUIRED:
            with pytest.raises(OrdersError) as excinfo:
                check_order_transition(current, target, "  ")
            assert excinfo.value.code == "reason_required"
    else:
        with pytest.raises(OrdersError) as excinfo:
            check_order_transition(current, target, "a reason")
        assert excinfo.value.code == "illegal_transition"
        assert excinfo.value.http_status == 409
        assert f"from {current} to {target}" in excinfo.value.message


@pytest.mark.parametrize(("current", "target"), TICKET_PAIRS)
def test_ticket_moves(current, target):
    if target in TICKET_TRANSITIONS[current]:
        check_ticket_transition(current, target, "a reason")
        if target in TICKET_REASON_REQUIRED:
            with pytest.raises(OrdersError) as excinfo:
                check_ticket_transition(current, target, "")
            assert excinfo.value.code == "reason_required"
    else:
        with pytest.raises(OrdersError) as excinfo:
            check_ticket_transition(current, target, "a reason")
        assert excinfo.value.code == "illegal_transition"
        allowed = TICKET_TRANSITIONS[current]
        if allowed:
            assert all(state in excinfo.value.message for state in allowed)
        else:
            assert "final" in excinfo.value.message


def test_final_states():
    assert {s for s, t in TICKET_TRANSITIONS.items() if not t} == {"closed", "cancelled",
                                                                  "rejected"}
    assert {s for s, t in ORDER_TRANSITIONS.items() if not t} == {
        "completed", "cancelled", "rejected", "failed", "partial"}


def test_unknown_state_is_refused():
    with pytest.raises(OrdersError) as excinfo:
        check_ticket_transition("acknowledged", "done")
    assert excinfo.value.code == "invalid"
