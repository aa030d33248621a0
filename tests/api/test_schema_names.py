"""Every schema of the API has a name of its own: django-ninja files schemas under their class
name, so two apps' ``EventOut`` would describe one operation with the other's schema."""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel

import onewindow.api.api  # noqa: F401 - every router imported, so every schema class exists


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


def test_no_two_api_schemas_share_a_name():
    modules: dict[str, set[str]] = defaultdict(set)
    for cls in _subclasses(BaseModel):
        if cls.__module__.startswith("onewindow."):
            modules[cls.__name__].add(cls.__module__)
    assert {name: sorted(found) for name, found in modules.items() if len(found) > 1} == {}
