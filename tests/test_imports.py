"""Every module of telcodesk imports in any order: no app reaches another through a cycle
that only works when the modules happen to load in one particular order.

Each order runs in a fresh interpreter (a module imported once is cached).
"""

from __future__ import annotations

import pkgutil
import random
import subprocess
import sys
from pathlib import Path

import pytest

import telcodesk

# The suite's session fixtures read the test database; this file needs it created.
pytestmark = pytest.mark.django_db

APPS = ("core", "customers", "notify", "sla", "orders", "care", "quality", "demo", "web")
# The settings module is Django's to load; the WSGI module builds the application.
SKIPPED = {"telcodesk.settings", "telcodesk.wsgi"}

SCRIPT = """
import importlib, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telcodesk.settings")
os.environ.setdefault("TELCODESK_VAR_DIR", sys.argv[1])
first = [name for name in sys.argv[2].split(",") if name]
for name in first:  # before Django is set up: must not touch the app registry
    importlib.import_module(name)
import django
django.setup()
for name in sys.argv[3].split(","):
    importlib.import_module(name)
"""


def every_module() -> list[str]:
    root = Path(telcodesk.__file__).parent
    return sorted(info.name for info in pkgutil.walk_packages([str(root)], "telcodesk.")
                  if info.name not in SKIPPED)


def run(names: list[str], tmp_path: Path, *, first: tuple[str, ...] = ()) -> None:
    found = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path), ",".join(first),
                            ",".join(names)], capture_output=True, text=True, timeout=300)
    assert found.returncode == 0, found.stderr[-3000:]


def test_the_walk_finds_every_app():
    names = every_module()
    for app in APPS:
        assert f"telcodesk.{app}" in names


@pytest.mark.parametrize("order", ["sorted", "reversed", "shuffled"])
def test_every_module_imports_in_any_order(order, tmp_path):
    names = every_module()
    if order == "reversed":
        names.reverse()
    elif order == "shuffled":
        random.Random(12).shuffle(names)
    run(names, tmp_path)


@pytest.mark.parametrize("app", APPS)
def test_each_app_imports_first(app, tmp_path):
    """The app's services and selectors before any other module (the check of issue 12)."""
    own = [name for name in every_module()
           if name.startswith(f"telcodesk.{app}.services") or name == f"telcodesk.{app}"
           or name.startswith(f"telcodesk.{app}.selectors")]
    rest = [name for name in every_module() if name not in own]
    run(own + rest, tmp_path, first=(f"telcodesk.{app}",))
