"""The half-year service-quality report: its words, its document and its exports.

- ``narrative``  the quality manager's words (introduction, measures taken,
  declaration) per period, with the defaults used until some are saved, and
  Markdown rendering (raw HTML never passes through)
- ``wording``    the fixed words of the document in Chinese and English
- ``document``   the report assembled once (narrative + indicator figures +
  charts); every export reads it
- ``html``, ``pdf``, ``xlsx``, ``json``, ``markdown``, ``tmf657``: one export
  each; ``exports.EXPORTS`` lists them with their media types

The words are saved and the report published by ``quality.services.reports``; the
published snapshots are read by ``quality.selectors.reports``.
"""
