"""Console pages of the care domain, one module per capability (``calls``,
``hotline_stats``, ``ivr``, ``complaints``) and the subscriber's ``surveys`` page;
``_common`` holds the helpers they share."""
