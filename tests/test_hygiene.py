"""Rules the test suite keeps about itself.

- No test sleeps: a race waits at a barrier for the moment it needs, never for a guessed time.
- Fixtures live in conftest.py files and helpers in ``helpers.py`` modules: no module imports a
  test module or a conftest.py (pytest loads those itself; importing one runs it twice under
  two names and couples tests to each other's bodies).
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent


def _modules() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(TESTS.rglob("*.py"))]


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(TESTS.parent)}:{getattr(node, 'lineno', 0)}"


def _absolute(path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = list(path.relative_to(TESTS.parent).parent.parts)
    base = package[: len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _is_test_or_conftest(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return last == "conftest" or last.startswith("test_")


def _sleeps(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute):  # time.sleep(…)
        return node.attr == "sleep" and isinstance(node.value, ast.Name) and node.value.id == "time"
    if isinstance(node, ast.ImportFrom):  # from time import sleep
        return node.module == "time" and any(alias.name == "sleep" for alias in node.names)
    return False


def test_no_test_sleeps():
    sleeps = [_where(path, node) for path, tree in _modules() for node in ast.walk(tree) if _sleeps(node)]
    assert sleeps == []


def test_no_module_imports_a_test_module_or_a_conftest():
    imports = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                module = _absolute(path, node)
                targets = [module] + [f"{module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            imports.extend(f"{_where(path, node)} imports {t}" for t in targets
                           if t.startswith("tests") and _is_test_or_conftest(t))
    assert imports == []


def test_no_type_ignore_while_no_type_checker_runs():
    # No type checker is configured, so an ignore comment for one silences nothing and only misleads.
    # The two on case._new_events go with the explicit unit of work (issue 11, item 6).
    project = TESTS.parent
    found = [f"{path.relative_to(project)}:{n}"
             for folder in ("onewindow", "tests", "bench") for path in sorted((project / folder).rglob("*.py"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if "type: " + "ignore" in line and "case._new_events" not in line]
    assert found == []
