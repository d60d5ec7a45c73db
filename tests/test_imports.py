"""Every module of telcodesk imports in any order: no app reaches another through a cycle
that only works when the modules happen to load in one particular order.

Each order runs in a fresh interpreter (a module imported once is cached); two orders
keep the file to two interpreter starts.
"""

from __future__ import annotations

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
    """Every module and package under ``telcodesk``, found on disk (nothing imported)."""
    root = Path(telcodesk.__file__).parent
    names = set()
    for path in root.rglob("*.py"):
        parts = path.relative_to(root.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.add(".".join(parts))
    return sorted(names - SKIPPED)


def run(names: list[str], tmp_path: Path, *, first: tuple[str, ...] = ()) -> None:
    found = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path), ",".join(first),
                            ",".join(names)], capture_output=True, text=True, timeout=300)
    assert found.returncode == 0, found.stderr[-3000:]


def test_the_walk_finds_every_app():
    names = every_module()
    for app in APPS:
        assert f"telcodesk.{app}" in names


@pytest.mark.parametrize("order", ["reversed", "shuffled"])
def test_every_module_imports_in_any_order(order, tmp_path):
    """Each app's package first (before Django is set up), then every module: the
    reversed walk puts web, sla, quality, orders and notify before the apps they use;
    the shuffled one mixes apps and layers. (Sorted is the order of an ordinary run.)"""
    names = every_module()
    if order == "reversed":
        names.reverse()
    else:
        random.Random(12).shuffle(names)
    run(names, tmp_path, first=tuple(f"telcodesk.{app}" for app in APPS))


BENCH = Path(__file__).resolve().parent.parent / "bench"


def test_every_name_a_bench_script_imports_from_telcodesk_exists():
    """The bench scripts are not type-checked and run only in CI's last step: a module
    that moved must not leave one of them importing a name that is gone."""
    import ast
    import importlib

    missing = []
    for script in sorted(BENCH.glob("*.py")):
        for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.ImportFrom) and node.module
                    and node.module.startswith("telcodesk")):
                continue
            module = importlib.import_module(node.module)
            for alias in node.names:
                if hasattr(module, alias.name):
                    continue
                try:
                    importlib.import_module(f"{node.module}.{alias.name}")
                except ImportError:
                    missing.append(f"{script.name}: from {node.module} import {alias.name}")
    assert missing == []
