"""Money is integer fen (1/100 yuan); never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


def yuan_to_fen(value: str | int | Decimal) -> int:
    """Parse an amount in yuan (``"58"``, ``"58.50"``) into fen; refuse fractions of a fen."""
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"amount has fractions of a fen: {value!r}")
    return int(fen)


def fen_to_yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def format_yuan(fen: int) -> str:
    """``5800`` → ``"¥58.00"``."""
    return f"¥{fen_to_yuan(fen):,}"
