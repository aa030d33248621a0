"""Every process cache of the project registers its reset in ``core.caches``, so none is forgotten."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import onewindow
from onewindow.catalog.selectors import version_parts
from onewindow.core import caches

ROOT = Path(onewindow.__file__).parent

# Module-level state that is not a cache: forgetting it would break the process.
NOT_CACHES = {
    "onewindow.core.caches": "the registry of resets itself",
    "onewindow.core.batching": "the writes queued by the open transaction of this thread",
    "onewindow.tasks.registry": "the periodic jobs, registered at import",
    "onewindow.assessment.facts": "the fact sources of the assessment, registered at import",
    "onewindow.workdays.retiming": "the retimers, registered at import",
    "onewindow.api.schemas": "the schemas operations document by reference, registered at import",
    "onewindow.lifecycle.registry": "the record types and their checks, registered by the apps' ready()",
    "onewindow.cases.publicity": "the publisher of a case's publicity (决定前公示), registered by the openness app's ready()",
}

_CONTAINERS = {"dict", "list", "set", "OrderedDict", "defaultdict", "deque", "local", "WeakKeyDictionary",
               "WeakValueDictionary"}
_MEMOIZERS = {"cache", "lru_cache"}


def _name_of(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Call):
        return _name_of(node.func)
    return None


def _keeps_state(tree: ast.Module) -> list[str]:
    """Why a module keeps something in process memory: an empty container at the top level, a
    function that rebinds a module name (``global``), or a memoized function."""
    found = []
    for node in tree.body:
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        if isinstance(value, ast.Dict) and not value.keys or isinstance(value, ast.List) and not value.elts:
            found.append(f"line {node.lineno}: an empty container")
        elif isinstance(value, ast.Call) and _name_of(value.func) in _CONTAINERS and not value.args:
            found.append(f"line {node.lineno}: {_name_of(value.func)}()")
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            found.append(f"line {node.lineno}: global {', '.join(node.names)}")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found.extend(f"line {node.lineno}: @{_name_of(d)}" for d in node.decorator_list if _name_of(d) in _MEMOIZERS)
    return found


def _modules() -> list[tuple[str, Path]]:
    return [(".".join(path.relative_to(ROOT.parent).with_suffix("").parts).removesuffix(".__init__"), path)
            for path in sorted(ROOT.rglob("*.py")) if "migrations" not in path.parts]


def test_the_scan_finds_the_known_caches():
    # given the modules the scan is meant to catch, it catches each (so a silent scan means something)
    stateful = {name for name, path in _modules() if _keeps_state(ast.parse(path.read_text(encoding="utf-8")))}
    assert {"onewindow.lifecycle.center_settings", "onewindow.catalog.selectors", "onewindow.workdays.selectors",
            "onewindow.portal.selectors", "onewindow.core.compiled"} <= stateful


def test_every_module_that_keeps_a_cache_registers_its_reset():
    forgotten = []
    for name, path in _modules():
        reasons = _keeps_state(ast.parse(path.read_text(encoding="utf-8")))
        if not reasons or name in NOT_CACHES:
            continue
        importlib.import_module(name)  # registering happens at import
        if not any(reset.__module__ == name for reset in caches.registered().values()):
            forgotten.append(f"{name} ({'; '.join(reasons)}): decorate its reset with @caches.register, "
                             "or name it in NOT_CACHES with the reason it is no cache")
    assert forgotten == []


def test_reset_all_calls_each_registered_reset(monkeypatch):
    monkeypatch.setattr(caches, "_resets", {})  # a registry of this test's own
    calls: list[str] = []

    @caches.register
    def forget_something() -> None:
        calls.append("forgotten")

    caches.reset_all()
    assert calls == ["forgotten"]
    assert list(caches.registered()) == [f"{__name__}.{forget_something.__qualname__}"]


@pytest.mark.django_db
def test_after_reset_all_a_kept_read_goes_to_the_database_again(two_counties):
    version_id = two_counties.a.market_item.current_version_id
    version_parts(version_id)
    with CaptureQueriesContext(connection) as kept:
        version_parts(version_id)
    caches.reset_all()
    with CaptureQueriesContext(connection) as fresh:
        version_parts(version_id)
    assert len(kept) == 0
    assert len(fresh) > 0
