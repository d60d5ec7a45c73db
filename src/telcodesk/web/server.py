"""The production web server: gunicorn, configured from code.

The access log records the path without the query string, so numbers typed
into a search box never reach the log.
"""

from __future__ import annotations

import gc
from typing import Any

from gunicorn.app.base import BaseApplication

ACCESS_LOG_FORMAT = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


class TelcodeskServer(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        # Gunicorn 24+ opens a management socket in the user's home by default;
        # two servers on one machine would fight over it, and we do not use it.
        if "control_socket_disable" in self.cfg.settings:
            self.cfg.set("control_socket_disable", True)

    def load(self) -> Any:
        from telcodesk.wsgi import application

        freeze_loaded_objects()
        return application


def freeze_loaded_objects() -> None:
    """Move everything loaded so far (Django, the apps, their modules and classes) out of
    the garbage collector's reach: it lives as long as the worker, and every full
    collection walked all of it again (2–5 ms a request on the list pages, which build
    thousands of short-lived objects)."""
    gc.collect()
    gc.freeze()


def run_gunicorn(*, host: str, port: int, workers: int, threads: int) -> None:
    TelcodeskServer(
        {
            "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "timeout": 60,
            "graceful_timeout": 10,
            "accesslog": "-",
            "access_log_format": ACCESS_LOG_FORMAT,
            "proc_name": "telcodesk-web",
        }
    ).run()
