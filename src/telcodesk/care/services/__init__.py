"""Writes of the care domain, one module per capability:

- ``ivr``         the IVR menu tree, skill groups and the queue names they use
- ``calls``       importing call-centre logs into hotline calls (contacts)
- ``complaints``  complaint intake, ownership, replies, closure, regulator appeals
- ``complaint_history``  finished complaints imported from a legacy system
- ``interactions`` interactions recorded through TMF683 (visits, chats, ...)
- ``surveys``     satisfaction surveys and their answers
"""
