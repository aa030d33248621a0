"""Pure rules of one-thing bundles (一件事一次办). No Django.

A bundle application is one form, one material set and one notice over several items: the
situations (情形) the applicant chooses decide which items apply; each material is asked once even
when several of those items need it (deduplicated by its normalized name, the key the bundle guide
uses: the catalog carries no material code); the one checklist is split into each child case's own;
the parent's state follows from its children's; and the supplements the children ask within one
acceptance review become one notice.

The parent is a record type of the lifecycle kernel: :data:`BUNDLE_TABLE` is its transition table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from onewindow.catalog.spec import normalize_material_name
from onewindow.core.errors import FieldProblem
from onewindow.lifecycle.transitions import Move, TransitionTable

from .rules import MaterialCheck, MaterialState
from .states import TERMINAL, Status

# -- the parent's lifecycle -------------------------------------------------------------------------


class BundleStatus(StrEnum):
    IN_PROGRESS = "in_progress"  # 办理中: some child still open
    AWAITING_SUPPLEMENT = "awaiting_supplement"  # 待补正: a combined notice is out, not yet answered
    AWAITING_DELIVERY = "awaiting_delivery"  # 待统一送达: every result is ready, none handed over yet
    CONCLUDED = "concluded"  # 已办结: every child concluded (refused, withdrawn, decided, delivered)


BUNDLE_STATUS_LABELS = {
    BundleStatus.IN_PROGRESS: "办理中",
    BundleStatus.AWAITING_SUPPLEMENT: "待补正",
    BundleStatus.AWAITING_DELIVERY: "待统一送达",
    BundleStatus.CONCLUDED: "已办结",
}


class BundleAction(StrEnum):
    APPLY = "apply"
    RECORD_CHILD = "record_child"  # a child's status changed: recorded on the parent, state kept
    NOTIFY_SUPPLEMENT = "notify_supplement"
    SUPPLEMENTED = "supplemented"
    READY = "ready"
    DELIVER = "deliver"
    CONCLUDE = "conclude"


_OPEN = frozenset({BundleStatus.IN_PROGRESS, BundleStatus.AWAITING_SUPPLEMENT, BundleStatus.AWAITING_DELIVERY})

# The permission names are ``organization.permissions.Action`` values; the system's own moves
# (those a child's transition causes) have none.
BUNDLE_TABLE: TransitionTable[BundleStatus, BundleAction] = TransitionTable(
    name="bundle", noun="一件事申请", terminal=frozenset({BundleStatus.CONCLUDED}),
    state_labels=BUNDLE_STATUS_LABELS,
    moves={
        BundleAction.APPLY: Move(frozenset({None}), BundleStatus.IN_PROGRESS, "case.submit", "申请"),
        BundleAction.RECORD_CHILD: Move(frozenset(_OPEN), None, None, "记录子办件进展"),
        BundleAction.NOTIFY_SUPPLEMENT: Move(frozenset({BundleStatus.IN_PROGRESS, BundleStatus.AWAITING_SUPPLEMENT}),
                                             BundleStatus.AWAITING_SUPPLEMENT, None, "一次性告知补正"),
        BundleAction.SUPPLEMENTED: Move(frozenset({BundleStatus.AWAITING_SUPPLEMENT}), BundleStatus.IN_PROGRESS,
                                        "case.submit", "补正"),
        BundleAction.READY: Move(frozenset({BundleStatus.IN_PROGRESS, BundleStatus.AWAITING_SUPPLEMENT}),
                                 BundleStatus.AWAITING_DELIVERY, None, "待统一送达"),
        BundleAction.DELIVER: Move(frozenset({BundleStatus.AWAITING_DELIVERY}), None, "case.deliver", "统一送达"),
        BundleAction.CONCLUDE: Move(frozenset(_OPEN), BundleStatus.CONCLUDED, None, "办结"),
    },
)

# What moves the parent from its state to the one its children now call for.
_MOVE_TO = {
    BundleStatus.IN_PROGRESS: BundleAction.SUPPLEMENTED,
    BundleStatus.AWAITING_DELIVERY: BundleAction.READY,
    BundleStatus.CONCLUDED: BundleAction.CONCLUDE,
}


def move_to(target: BundleStatus) -> BundleAction | None:
    """The action that takes the parent to ``target`` (a combined notice is its own act)."""
    return _MOVE_TO.get(target)


@dataclass(frozen=True)
class ChildState:
    """What the parent needs of one child case: its number, status and, while it awaits a
    supplement, the ``seq`` of the request it awaits."""

    number: str
    status: str
    supplement_seq: int | None = None


def pending_supplements(children: Iterable[ChildState], noticed: Mapping[str, int]) -> list[ChildState]:
    """The children awaiting a supplement that no combined notice has told the applicant yet."""
    return [c for c in children if c.status == Status.AWAITING_SUPPLEMENT and c.supplement_seq is not None
            and noticed.get(c.number) != c.supplement_seq]


def review_open(children: Iterable[ChildState]) -> bool:
    """Whether the acceptance review is still going on: some child still awaits its acceptance
    decision. The supplements its children ask are held until it ends, then told in one notice."""
    return any(c.status == Status.SUBMITTED for c in children)


def target_status(children: Sequence[ChildState], noticed: Mapping[str, int]) -> BundleStatus:
    """The parent's state its children call for: concluded once every child is; awaiting the
    supplement while a child awaits one the applicant was told of; awaiting the one delivery
    once every open child's result is issued; else in progress."""
    if all(c.status in TERMINAL for c in children):
        return BundleStatus.CONCLUDED
    if any(c.status == Status.AWAITING_SUPPLEMENT and c.supplement_seq is not None
           and noticed.get(c.number) == c.supplement_seq for c in children):
        return BundleStatus.AWAITING_SUPPLEMENT
    if all(c.status in TERMINAL or c.status == Status.CERTIFICATE_ISSUED for c in children):
        return BundleStatus.AWAITING_DELIVERY
    return BundleStatus.IN_PROGRESS


# -- situations and items ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryMaterial:
    """One material of one item of the bundle, as the catalog describes it."""

    name: str
    required: bool = True
    from_applicant: bool = True  # else the department obtains it: never asked, never missing
    instructions: str = ""


@dataclass(frozen=True)
class Entry:
    """One item of the bundle: its code, name, department and the situation it applies in
    (empty: always)."""

    code: str
    name: str
    department: str
    situation: str = ""
    materials: tuple[EntryMaterial, ...] = ()


def situations_of(entries: Iterable[Entry]) -> list[str]:
    """The situations of a bundle, each once, in the order of its items."""
    seen: list[str] = []
    for e in entries:
        if e.situation and e.situation not in seen:
            seen.append(e.situation)
    return seen


def choose(entries: Sequence[Entry], situations: Sequence[str]) -> tuple[list[Entry], list[FieldProblem]]:
    """The items that apply when the applicant is in ``situations``: every item without a situation
    and those of a chosen one. A situation the bundle does not know, one named twice, and a
    choice under which no item applies are problems naming the field."""
    known = situations_of(entries)
    problems: list[FieldProblem] = []
    seen: set[str] = set()
    for i, name in enumerate(situations):
        text = name.strip()
        if text not in known:
            problems.append(FieldProblem(f"situations[{i}]", "bundle.situation_unknown",
                                         f"“{text}”不是本一件事的情形（可选：{'；'.join(known) or '无'}）"))
        elif text in seen:
            problems.append(FieldProblem(f"situations[{i}]", "bundle.situation_duplicate", f"情形“{text}”重复"))
        seen.add(text)
    chosen = [e for e in entries if not e.situation or e.situation in seen]
    if not problems and not chosen:
        problems.append(FieldProblem("situations", "bundle.no_items", "按所选情形，本一件事没有需要办理的事项，请选择情形"))
    return chosen, problems


# -- the one material set ---------------------------------------------------------------------------


def material_key(name: str) -> str:
    """What makes two materials the same: the name, full-width folded, without spaces, lower case."""
    return normalize_material_name(name)


@dataclass
class MergedMaterial:
    """One material of the application's one set: its name (as the first item names it), required
    if any item requires it, and each item's own name for it."""

    key: str
    name: str
    required: bool
    instructions: str = ""
    names: dict[str, str] = field(default_factory=dict)  # item code → the item's own name of it

    @property
    def item_codes(self) -> list[str]:
        return list(self.names)


def merge_materials(entries: Iterable[Entry]) -> list[MergedMaterial]:
    """The deduplicated set the applicant hands in, in order of first appearance: materials the
    department obtains itself are left out (never asked of the applicant)."""
    merged: dict[str, MergedMaterial] = {}
    for e in entries:
        for m in e.materials:
            if not m.from_applicant:
                continue
            key = material_key(m.name)
            found = merged.get(key)
            if found is None:
                found = merged[key] = MergedMaterial(key, m.name, m.required, m.instructions)
            else:
                found.required = found.required or m.required
                found.instructions = found.instructions or m.instructions
            found.names.setdefault(e.code, m.name)
    return list(merged.values())


_FORM_STATES = (MaterialState.RECEIVED, MaterialState.MISSING, MaterialState.NOT_APPLICABLE)


def split_checklist(entries: Sequence[Entry], merged: Sequence[MergedMaterial],
                    checklist: Sequence[MaterialCheck]) -> tuple[dict[str, list[MaterialCheck]], list[FieldProblem]]:
    """Each child's own checklist (item code → its materials by its own names) from the one
    checklist, and the problems of that checklist, each naming its field: a material the
    application does not ask for, one listed twice, a state other than received, missing or not
    applicable, a required one marked not applicable, and a required one not listed at all (the
    one form accounts for every required material: received, or missing for the one notice)."""
    problems: list[FieldProblem] = []
    by_key = {m.key: m for m in merged}
    given: dict[str, MaterialCheck] = {}
    for i, m in enumerate(checklist):
        where = f"materials[{i}]"
        key = material_key(m.name)
        found = by_key.get(key)
        if found is None:
            problems.append(FieldProblem(f"{where}.name", "material.unknown", f"“{m.name}”不是本一件事所需的申请材料"))
            continue
        if key in given:
            problems.append(FieldProblem(f"{where}.name", "material.duplicate", f"材料“{found.name}”重复"))
            continue
        if m.state not in _FORM_STATES:
            problems.append(FieldProblem(f"{where}.state", "material.state_invalid", "材料状态须为已收、缺少或不适用"))
            continue
        if m.state == MaterialState.NOT_APPLICABLE and found.required:
            problems.append(FieldProblem(f"{where}.state", "material.required",
                                         f"“{found.name}”是必要材料，不能标为不适用"))
            continue
        given[key] = m
    unlisted = [m.name for m in merged if m.required and m.key not in given]
    if unlisted:
        problems.append(FieldProblem("materials", "bundle.material_required",
                                     f"材料清单须列明每一项必要材料（已收或缺少）：{'、'.join(unlisted)}"))
    out: dict[str, list[MaterialCheck]] = {e.code: [] for e in entries}
    for m in merged:
        check = given.get(m.key)
        if check is None:
            continue
        for code, own in m.names.items():
            if code in out:
                out[code].append(MaterialCheck(own, check.state, check.note))
    return out, problems


# -- the one supplement notice ----------------------------------------------------------------------


@dataclass(frozen=True)
class SupplementLine:
    """What one child asks: its case, item and department, the materials (by its own names), the note."""

    case_number: str
    item_name: str
    department: str
    materials: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class NoticeMaterial:
    """One material of a combined notice, once, with the items that need it."""

    name: str
    items: tuple[str, ...]


def merge_supplements(lines: Iterable[SupplementLine]) -> list[NoticeMaterial]:
    """The materials of several children's supplement requests, each once (a material two items
    ask for is supplemented once), in order of first appearance, with the items that need it."""
    merged: dict[str, tuple[str, list[str]]] = {}
    for line in lines:
        for name in line.materials:
            key = material_key(name)
            if key not in merged:
                merged[key] = (name, [])
            if line.item_name not in merged[key][1]:
                merged[key][1].append(line.item_name)
    return [NoticeMaterial(name, tuple(items)) for name, items in merged.values()]


def notice_number(application_number: str, no: int) -> str:
    """The number of the application's ``no``-th combined supplement notice (一件事补正告知书)."""
    return f"{application_number}-BZ{no:02d}"


def supplement_for(listed: Sequence[str], given: Iterable[str]) -> tuple[list[str], list[str]]:
    """Of what one child listed, what ``given`` (merged names, matched by key) supplies, and what
    is still lacking."""
    keys = {material_key(g) for g in given}
    supplied = [name for name in listed if material_key(name) in keys]
    return supplied, [name for name in listed if material_key(name) not in keys]
