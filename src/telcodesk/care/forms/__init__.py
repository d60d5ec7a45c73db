"""Forms of the care domain, one module per view module (``calls``, ``hotline_stats``,
``ivr``, ``complaints``, ``surveys``); ``_common`` holds the choices they share.
Forms check input only; the rules are the services'."""
