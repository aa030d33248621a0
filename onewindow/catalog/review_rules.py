"""Pure rules of catalog governance: when a drafted version may be published, and when an item
looks like a cancelled one coming back (改头换面). No Django imports.

The match rule (a cancelled item returning "disguised as 备案 or 核准"): a candidate item matches a
cancelled item when

- it keeps the cancelled item's code lineage — the same 基本编码 (basic code); or
- it rests on the same legal basis (设定依据, compared after folding width, spaces and punctuation)
  **and** its name is similar once the words that only name the kind of act are dropped
  (许可, 审批, 核准, 备案, 登记, 确认, 认定, 审核, 批准 …): one stripped name contains the other, or they
  share at least two thirds of their characters (difflib ratio ≥ 0.67).

Renaming 食品经营许可 to 食品经营备案 on the same basis matches; an unrelated item on the same law
(a different name core) does not.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

# Words that say what kind of act an item is, not what it is about.
KIND_WORDS = ("行政许可", "许可证", "许可", "审批", "核准", "备案", "登记", "确认", "认定", "审核", "审查", "批准",
              "核发", "办理", "申请", "证明", "的")
NAME_SIMILARITY = 0.67

_PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """NFKC, lower case, without spaces and punctuation (《》、，。 etc.)."""
    return _PUNCTUATION.sub("", unicodedata.normalize("NFKC", text or "").lower())


def name_core(name: str) -> str:
    """The name without the words that only name the kind of act."""
    core = fold(name)
    for word in KIND_WORDS:
        core = core.replace(word, "")
    return core


def names_similar(a: str, b: str) -> bool:
    """True if the two names are about the same thing (see the module doc)."""
    ca, cb = name_core(a), name_core(b)
    if not ca or not cb:
        return fold(a) == fold(b)
    if ca in cb or cb in ca:
        return True
    return SequenceMatcher(None, ca, cb).ratio() >= NAME_SIMILARITY


@dataclass(frozen=True)
class ItemFacts:
    """What the match rule reads of an item (a candidate, or a cancelled one)."""

    item_id: int | None
    basic_code: str
    name: str
    legal_basis: str


def matches_cancelled(candidate: ItemFacts, cancelled: ItemFacts) -> str | None:
    """Why ``candidate`` looks like ``cancelled`` returning (Chinese), or None."""
    if candidate.item_id is not None and candidate.item_id == cancelled.item_id:
        return "同一事项"
    if candidate.basic_code and fold(candidate.basic_code) == fold(cancelled.basic_code):
        return f"基本编码相同（{cancelled.basic_code}）"
    if fold(candidate.legal_basis) == fold(cancelled.legal_basis) and names_similar(candidate.name, cancelled.name):
        return "设定依据相同且名称相近"
    return None


def returning_cancelled(candidate: ItemFacts, cancelled: list[ItemFacts]) -> list[tuple[ItemFacts, str]]:
    """Every cancelled item ``candidate`` matches, with the reason."""
    found = []
    for item in cancelled:
        reason = matches_cancelled(candidate, item)
        if reason is not None:
            found.append((item, reason))
    return found
