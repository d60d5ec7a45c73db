"""``telcodesk calls``: import call-centre logs and print the hotline figures."""

from __future__ import annotations

import click


@click.group()
def calls() -> None:
    """Hotline call logs: import Asterisk / FreeSWITCH logs, print answer-time figures."""


# The subcommands live with their job; importing them registers them on the group.
from telcodesk.commands import calls_import, calls_stats  # noqa: E402,F401
