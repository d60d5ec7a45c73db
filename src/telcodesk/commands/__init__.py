"""Command groups of the ``telcodesk`` CLI that belong to one domain, one module
per group. ``telcodesk.cli`` adds them to the main group; they reuse its helpers
(``setup_django``, ``clear_errors``, ``now``)."""
