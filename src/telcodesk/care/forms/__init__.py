"""Forms of the care domain, one module per view module (``complaints``, ``hotline``,
``ivr``, ``surveys``). Forms check input only; the rules are the services'."""
