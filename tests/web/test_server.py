"""The production server's worker set-up (gunicorn itself is exercised by the bench)."""

from __future__ import annotations

import gc

import pytest

from telcodesk.web.server import TelcodeskServer


@pytest.mark.django_db
def test_a_worker_loads_the_application_and_freezes_what_it_loaded():
    gc.unfreeze()
    server = TelcodeskServer({"bind": "127.0.0.1:0", "workers": 1, "threads": 1,
                              "worker_class": "gthread"})
    try:
        application = server.load()
        assert callable(application)
        # Django, the apps and their modules sit outside the collector's generations.
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
