"""TMF Open API routers of the care domain, one module per specification:

- ``contacts``    TMF683 partyInteraction: hotline calls and recorded interactions
- ``complaints``  complaints in the TMF621 troubleTicket shape

The root API (``telcodesk.api``) mounts each router under its base path.
"""

from telcodesk.care.api import complaints, contacts

CONTACT_BASE_PATH = contacts.BASE_PATH
contact_router = contacts.router
COMPLAINT_BASE_PATH = complaints.BASE_PATH
complaint_router = complaints.router

__all__ = ["COMPLAINT_BASE_PATH", "CONTACT_BASE_PATH", "complaint_router", "contact_router"]
