"""Reading posted fields for the appraisal pages: ids, dates, questionnaire answers. A missing or
malformed value is a :class:`DomainError` (400) naming the field, never a 500."""

from __future__ import annotations

from datetime import date

from django.http import QueryDict

from onewindow.core.errors import DomainError

from .services import QuestionSpec


def optional_int(data: QueryDict, name: str) -> int | None:
    """A posted id or number, or None when absent; 400 when it is no integer a database holds."""
    text = (data.get(name) or "").strip()
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        raise DomainError(f"{name}_invalid", "请填写有效的编号或数字", field=name) from None
    if not 0 <= value < 2**63:
        raise DomainError(f"{name}_invalid", "请填写有效的编号或数字", field=name)
    return value


def required_int(data: QueryDict, name: str, what: str) -> int:
    value = optional_int(data, name)
    if value is None:
        raise DomainError(f"{name}_missing", f"请选择{what}", field=name)
    return value


def optional_date(data: QueryDict, name: str) -> date | None:
    """A posted date (YYYY-MM-DD), or None when absent; 400 when malformed."""
    text = (data.get(name) or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DomainError(f"{name}_invalid", "日期格式应为 YYYY-MM-DD", field=name) from None


def questions(data: QueryDict) -> list[QuestionSpec]:
    """The questionnaire typed on the campaign form: one question a line, ``题目|满分`` (满分 5 if omitted)."""
    found = []
    for n, line in enumerate((data.get("questions") or "").splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        text, _, scale = line.partition("|")
        try:
            value = int(scale.strip()) if scale.strip() else 5
        except ValueError:
            raise DomainError("question_scale_invalid", f"第 {n} 行的满分须为整数", field="questions") from None
        found.append(QuestionSpec(text.strip(), value))
    return found


def answers(data: QueryDict, question_ids: list[int]) -> dict[int, int | None]:
    """Each question's posted score (field ``q<id>``); None where missing or not a number."""
    found: dict[int, int | None] = {}
    for qid in question_ids:
        text = (data.get(f"q{qid}") or "").strip()
        found[qid] = int(text) if text.isdigit() and len(text) < 4 else None
    return found
