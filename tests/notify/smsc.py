"""Reading what the SMS-centre simulator recorded (the ``smsc`` and ``smsc_process``
fixtures are in tests/notify/conftest.py)."""

from __future__ import annotations


def accepted_keys(dump: dict) -> list[str]:
    """Dedupe keys of the complete messages the simulator accepted, one per copy."""
    keys: list[str] = []
    for message in dump["messages"]:
        if message["complete"]:
            keys += [message["dedupe_key"]] * message["copies"]
    return keys
