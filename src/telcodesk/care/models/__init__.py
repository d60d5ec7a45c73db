"""Tables of the care domain, one module per capability:

- ``ivr``         skill groups, hotline queues, the IVR menu tree
- ``calls``       call-log sources, import runs and rejects, hotline calls (contacts)
- ``complaints``  complaints, their timeline, survey answers
- ``interactions`` interactions recorded through TMF683 (visits, chats, ...)
"""

from telcodesk.care.models.calls import (
    CallImportReject,
    CallImportRun,
    CallLogFormat,
    CallLogSource,
    CallOutcome,
    HotlineCall,
)
from telcodesk.care.models.complaints import (
    COMPLAINT_CODE_PREFIX,
    SURVEY_CHANNEL_LABELS,
    Complaint,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintEvent,
    ComplaintEventKind,
    ComplaintState,
    Satisfaction,
    SurveyAnswer,
    SurveyAnswerStatus,
)
from telcodesk.care.models.interactions import (
    INTERACTION_CODE_PREFIX,
    InteractionChannel,
    InteractionDirection,
    InteractionStatus,
    PartyInteraction,
)
from telcodesk.care.models.ivr import HotlineQueue, IvrAction, IvrNode, SkillGroup

__all__ = [
    "COMPLAINT_CODE_PREFIX",
    "INTERACTION_CODE_PREFIX",
    "SURVEY_CHANNEL_LABELS",
    "CallImportReject",
    "CallImportRun",
    "CallLogFormat",
    "CallLogSource",
    "CallOutcome",
    "Complaint",
    "ComplaintCategory",
    "ComplaintChannel",
    "ComplaintEvent",
    "ComplaintEventKind",
    "ComplaintState",
    "HotlineCall",
    "HotlineQueue",
    "InteractionChannel",
    "InteractionDirection",
    "InteractionStatus",
    "IvrAction",
    "IvrNode",
    "PartyInteraction",
    "Satisfaction",
    "SkillGroup",
    "SurveyAnswer",
    "SurveyAnswerStatus",
]
