"""The formulas of the network indicators and the billing error rate (pure).

Every function returns an exact ``Decimal`` fraction (0.9811 for 98.11 %),
unrounded, or ``None`` when the denominator is 0 (no data: never 0 %). Callers
sum the counts first (over cells, days, months) and divide once: a rate of a
period is the ratio of its sums, never a mean of daily rates.

- connection rate (网络接通率) = (answered + called busy + no answer +
  unreachable) ÷ valid call attempts. "Valid call attempts" is the
  ``call_attempts`` column as exported by the switch: attempts that reached the
  called-party stage, without those the caller abandoned while dialling or that
  failed on a wrong number. A call that reached the called party counts as
  connected whether it was answered, busy, not answered or unreachable: each of
  these outcomes shows that the network did its part.
- radio channel congestion (无线信道拥塞率) = traffic-channel assignment
  failures for lack of a free channel ÷ traffic-channel requests.
- call drop (通话中断率, 掉话率) = dropped calls ÷ connected calls.
- billing error rate (计费差错率) = erroneous charge records ÷ all charge records.
"""

from __future__ import annotations

from decimal import Decimal

Number = int | Decimal


def ratio(numerator: Number, denominator: Number) -> Decimal | None:
    """``numerator ÷ denominator`` as an exact Decimal; ``None`` when the denominator is 0."""
    if denominator == 0:
        return None
    return Decimal(numerator) / Decimal(denominator)


def connection_numerator(*, answered: Number, called_busy: Number, no_answer: Number,
                         unreachable: Number) -> Number:
    """Calls that reached the called party: answered, busy, not answered or unreachable."""
    return answered + called_busy + no_answer + unreachable


def connection_rate(*, answered: Number, called_busy: Number, no_answer: Number,
                    unreachable: Number, call_attempts: Number) -> Decimal | None:
    return ratio(connection_numerator(answered=answered, called_busy=called_busy,
                                      no_answer=no_answer, unreachable=unreachable),
                 call_attempts)


def congestion_rate(*, tch_failures_no_channel: Number, tch_requests: Number) -> Decimal | None:
    return ratio(tch_failures_no_channel, tch_requests)


def drop_rate(*, dropped_calls: Number, connected_calls: Number) -> Decimal | None:
    return ratio(dropped_calls, connected_calls)


def billing_error_rate(*, erroneous: Number, total: Number) -> Decimal | None:
    return ratio(erroneous, total)


def percent(fraction: Decimal | None) -> Decimal | None:
    """A fraction in percent (0.9811 → 98.11), still unrounded."""
    return None if fraction is None else fraction * 100


def per_ten_thousand(fraction: Decimal | None) -> Decimal | None:
    """A fraction in units of 10⁻⁴ (0.000035 → 0.35), the billing error rate's unit."""
    return None if fraction is None else fraction * 10000
