"""``core`` is the bottom layer: it imports no domain app, so every app may import it."""

from __future__ import annotations

import ast
from pathlib import Path

import onewindow.core

CORE = Path(onewindow.core.__file__).parent


def _imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) for every import in ``path``, at the top level or inside a function."""
    package = "onewindow.core." + ".".join(path.relative_to(CORE).parent.parts)
    package = package.rstrip(".")
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            found.append((node.lineno, base))
    return found


def test_core_imports_no_other_app_of_the_project():
    offending = [
        f"{path.relative_to(CORE.parent.parent)}:{line} imports {module}"
        for path in sorted(CORE.rglob("*.py")) if "migrations" not in path.parts
        for line, module in _imported_modules(path)
        if (module == "onewindow" or module.startswith("onewindow."))
        and not (module == "onewindow.core" or module.startswith("onewindow.core."))
    ]
    assert offending == []
