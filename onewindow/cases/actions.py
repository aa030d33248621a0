"""The named case actions of the API and the importer, mapped onto the services (DESIGN.md §5).

One table says which service an action name runs and which inputs it takes, so the REST endpoint
``POST /cases/{number}/actions/{action}``, the web forms and the history importer accept exactly
the same inputs and give the same errors.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from onewindow.core.errors import DomainError
from onewindow.organization.models import Staff

from . import services as s
from .models import Case

ACTIONS: dict[str, Callable[..., Case]] = {
    "accept": s.case_accept,
    "request_supplement": s.case_request_supplement,
    "supplement": s.case_supplement,
    "refuse": s.case_refuse,
    "conclude_instant": s.case_conclude_instant,
    "complete_stage": s.case_complete_stage,
    "claim": s.case_claim_task,
    "release": s.case_release_task,
    "reassign": s.case_reassign_task,
    "start_special_procedure": s.case_start_special_procedure,
    "end_special_procedure": s.case_end_special_procedure,
    "request_extension": s.case_request_extension,
    "grant_extension": s.case_grant_extension,
    "decline_extension": s.case_decline_extension,
    "decide": s.case_decide,
    "issue_certificate": s.case_issue_certificate,
    "deliver": s.case_deliver,
    "withdraw": s.case_withdraw,
}

# Inputs every action takes from the caller's context, never from the body.
_CONTEXT = {"case_id", "actor", "at", "expected_version"}


def _params(func: Callable[..., Case]) -> dict[str, inspect.Parameter]:
    hints = typing.get_type_hints(func)
    return {name: p.replace(annotation=hints.get(name, Any))
            for name, p in inspect.signature(func).parameters.items() if name not in _CONTEXT}


def action_inputs(action: str) -> dict[str, tuple[str, bool]]:
    """``{input: (type name, required)}`` of an action, for documentation and forms."""
    return {name: (_type_name(p.annotation), p.default is inspect.Parameter.empty)
            for name, p in _params(_lookup(action)).items()}


def _lookup(action: str) -> Callable[..., Case]:
    func = ACTIONS.get(action)
    if func is None:
        raise DomainError("case.action_unknown", f"未知的办件操作：{action}（可用：{'、'.join(ACTIONS)}）",
                          field="action")
    return func


def _type_name(annotation: Any) -> str:
    return {int: "integer", bool: "boolean", str: "string"}.get(annotation, "array" if _is_list(annotation)
                                                                   else "string")


def _is_list(annotation: Any) -> bool:
    return typing.get_origin(annotation) is list


def _coerce(name: str, annotation: Any, value: Any) -> Any:
    """Check one input against the service's annotation; a wrong type names the field."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if value is None:
            return None
        annotation = args[0] if args else Any
    if annotation is bool:
        if isinstance(value, bool):
            return value
        raise DomainError("invalid_input", f"“{name}”应为 true 或 false", field=name)
    if annotation is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
        raise DomainError("invalid_input", f"“{name}”应为整数", field=name)
    if annotation is str:
        if isinstance(value, str):
            return value
        raise DomainError("invalid_input", f"“{name}”应为文本", field=name)
    if _is_list(annotation):
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return value
        raise DomainError("invalid_input", f"“{name}”应为文本列表", field=name)
    return value


def perform(action: str, *, case_id: int, actor: Staff, params: Mapping[str, Any], at: datetime | None = None,
            expected_version: int | None = None) -> Case:
    """Run the named action with ``params``; unknown, missing and mistyped inputs are refused."""
    func = _lookup(action)
    spec = _params(func)
    unknown = sorted(set(params) - set(spec))
    if unknown:
        raise DomainError("invalid_input", f"操作“{action}”不接受输入：{'、'.join(unknown)}", field=unknown[0])
    kwargs: dict[str, Any] = {}
    for name, p in spec.items():
        if name in params:
            kwargs[name] = _coerce(name, p.annotation, params[name])
        elif p.default is inspect.Parameter.empty:
            raise DomainError("invalid_input", f"操作“{action}”须提供“{name}”", field=name)
    return func(case_id=case_id, actor=actor, at=at, expected_version=expected_version, **kwargs)
