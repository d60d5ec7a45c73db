"""Row ids typed by a person or sent by a client (``/partyInteraction/42``, ``?id=42``).

Anything that is not a plain positive whole number a database column can hold
(``null``, ``-1``, ``4.5``, ``²``, twenty nines) is no row id: lookups answer
"not found" and filters "bad value", never a database error.
"""

from __future__ import annotations

# The largest value of a signed 64-bit integer column (PostgreSQL bigint, SQLite INTEGER).
MAX_ROW_ID = 2**63 - 1


def row_id(raw: object) -> int | None:
    """``raw`` as a row id, or None when it cannot be one."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str):
        text = raw.strip()
        if not text or not text.isascii() or not text.isdigit():
            return None
        value = int(text)
    else:
        return None
    return value if 0 < value <= MAX_ROW_ID else None
