"""Answers remembered until the end of the current transaction.

A service that asks the same read-only question many times in one transaction
("does anyone listen on this hub?", "which standard is in force for this key?")
asks the database once and keeps the answer here. A memo lives as long as the
outermost transaction of its connection: a commit, a rollback, or the rollback
of a savepoint (whose writes it may have seen) starts an empty one. Outside a
transaction (autocommit) nothing is remembered.

The code that writes what a memo caches calls ``forget(name)``; the models whose
rows are cached also forget on ``post_save`` / ``post_delete`` (see the apps'
``ready``), so an admin screen or a test writing the rows directly is covered.
A bulk ``QuerySet.update`` sends no signal: call ``forget`` after it.

A row another process commits while this transaction runs is not seen until it
ends, as with a ``REPEATABLE READ`` snapshot.
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

_ATTRIBUTE = "_telcodesk_memo"


def transaction_memo(name: str, using: str = DEFAULT_DB_ALIAS) -> dict[Any, Any] | None:
    """The memo ``name`` of the current transaction, or None outside a transaction.

    A transaction is told apart by Django's list of on-commit callbacks, which the
    connection replaces at every commit, rollback and savepoint rollback."""
    connection = connections[using]
    if not connection.in_atomic_block:
        return None
    marker = connection.run_on_commit
    state: tuple[list[Any], dict[str, dict[Any, Any]]] | None = getattr(
        connection, _ATTRIBUTE, None)
    if state is None or state[0] is not marker:
        state = (marker, {})
        setattr(connection, _ATTRIBUTE, state)
    return state[1].setdefault(name, {})


def forget(name: str) -> None:
    """Drop the memo ``name`` on every connection of this thread."""
    for connection in connections.all(initialized_only=True):
        state = getattr(connection, _ATTRIBUTE, None)
        if state is not None:
            state[1].pop(name, None)
