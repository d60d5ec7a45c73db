"""TMF Open API routers of the care domain, one module per specification:

- ``contacts``    TMF683 partyInteraction: hotline calls and recorded interactions
- ``complaints``  complaints in the TMF621 troubleTicket shape

``router`` holds both specifications under their own base paths; the root API
(``telcodesk.api``) mounts it at ``BASE_PATH`` (the API's root), as it does every app's.
"""

from ninja import Router

from telcodesk.care.api import complaints, contacts

BASE_PATH = ""

router = Router()
router.add_router(contacts.BASE_PATH, contacts.router)
router.add_router(complaints.BASE_PATH, complaints.router)
