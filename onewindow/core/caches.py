"""The registry of process caches: what a process keeps in memory between requests, forgotten together.

A module that keeps something in process memory (a center's yellow share, a version's stages, a
calendar snapshot, the search index, compiled statements) registers, at import, the function that
forgets it::

    @caches.register
    def forget_version_parts() -> None: ...

:func:`reset_all` calls every registered function. The test suite does so around each test (each
test's database reuses ids and holds other settings); an operator's tool may do the same after
changing data behind the application's back. A module is registered when it is imported, which is
also when its cache comes to exist, so nothing is missed. ``tests/core/test_caches.py`` finds
module-level caches in the project and fails for one whose module registers no reset.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

Reset = Callable[[], None]

_lock = threading.Lock()
_resets: dict[str, Reset] = {}


def register(reset: Reset) -> Reset:
    """Add ``reset`` (a function that forgets one cache) to the registry; returns it, so it decorates.

    Registering the same function again (a module re-imported) replaces the earlier entry.
    """
    with _lock:
        _resets[f"{reset.__module__}.{reset.__qualname__}"] = reset
    return reset


def registered() -> dict[str, Reset]:
    """The registered resets by dotted name (module and function)."""
    with _lock:
        return dict(_resets)


def reset_all() -> None:
    """Forget every registered process cache of this process."""
    for reset in registered().values():
        reset()
