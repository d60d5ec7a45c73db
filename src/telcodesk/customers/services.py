"""Writes of the customers app. ``do_*`` functions, keyword-only, ``now`` passed in."""

from __future__ import annotations
