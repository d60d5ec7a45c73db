"""Reads of the care domain, one module per capability:

- ``ivr``             skill groups, queues, the IVR menu tree and its outline
- ``calls``           call-log sources and import runs
- ``contacts``        hotline calls and recorded interactions as a user may see them
- ``hotline_stats``   the hotline's figures (console page, ``calls stats``)
- ``hotline_report``  the hotline's indicator totals for the quality report
- ``complaints``      scoped complaint lists, the queue, the timeline, the dossier
- ``complaint_stats`` the complaints' indicator totals for the quality report
"""
