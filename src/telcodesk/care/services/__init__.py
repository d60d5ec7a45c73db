"""Writes of the care domain, one module per capability:

- ``ivr``         the IVR menu tree, skill groups and the queue names they use
- ``calls``       importing call-centre logs into hotline calls (contacts)
- ``complaints``  complaint intake, ownership, replies, closure, regulator appeals
- ``interactions`` interactions recorded through TMF683 (visits, chats, ...)
- ``surveys``     satisfaction surveys and their answers
"""

from __future__ import annotations


def register() -> None:
    """Hook the care domain into the clock and the SMS reply path (``apps.ready``)."""
    from telcodesk.care.services import complaints

    complaints.register()
