"""Tables of the care domain, one module per capability:

- ``ivr``         skill groups, hotline queues, the IVR menu tree
- ``calls``       call-log sources, import runs and rejects, hotline calls (contacts)
- ``complaints``  complaints, their timeline, survey answers
- ``interactions`` interactions recorded through TMF683 (visits, chats, ...)
"""

from telcodesk.care.models.calls import *  # noqa: F403
from telcodesk.care.models.complaints import *  # noqa: F403
from telcodesk.care.models.interactions import *  # noqa: F403
from telcodesk.care.models.ivr import HotlineQueue, IvrAction, IvrNode, SkillGroup

__all__ = ["HotlineQueue", "IvrAction", "IvrNode", "SkillGroup"]
