"""The error of the demo loaders: its own module, so the organization loader and the case loader both raise it."""

from __future__ import annotations

from onewindow.core.errors import DomainError


class DemoDataError(DomainError):
    """The demo data files themselves are malformed (a bug in the repository, not in user input)."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__("demo.invalid_data", f"演示数据有误（{where}）：{message}", field=where)
