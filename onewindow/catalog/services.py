"""Writes of the catalog: import a whole catalog (YAML or Excel), publish a new version of an item.

``actor`` is the staff member doing it; ``None`` means the system itself (the CLI, the demo
loader), which needs no permission. With an actor, every item and bundle touched needs
``Action.CATALOG_EDIT`` in its region (and department): only center administrators posted there
(or above) maintain the catalog.

An item is never edited in place: a change writes a new ``ServiceItemVersion``, because a case keeps
the version it was accepted under. A staff member's change (an import with an actor, or
:func:`item_draft_version`) is a **draft** that waits for its legal review (法制办审核,
:mod:`.review_services`) and is published only after it; the system's own import of the initial
list (the demo loader, ``import_catalog --initial``) publishes at once and records the review as
the initial list's. Neither may bring back a cancelled item without a review that acknowledges it. Importing content
that is already the current version changes nothing, so exporting and importing into the same
database is harmless. An import is all or nothing: any problem, and nothing is written.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from onewindow.core import pagecache
from onewindow.core.errors import DomainError, NotFound
from onewindow.organization.models import Department, Region, Staff, Window
from onewindow.organization.permissions import Action, require
from onewindow.organization.rules import InvalidRegionCode, region_level

from .excel_io import sheet_titles
from .files import read_catalog_file
from .models import (
    Bundle,
    BundleItem,
    CatalogChange,
    FeeItem,
    LegalReview,
    Material,
    ServiceItem,
    ServiceItemVersion,
    Stage,
)
from .pinyin import pinyin_initials
from .review_rules import ItemFacts, returning_cancelled
from .rules import results_public_by_default
from .selectors import bundle_to_spec, bundles_for_spec, item_to_spec, items_for_spec
from .spec import (
    ITEM_CHILD_FIELDS,
    BundleItemSpec,
    BundleSpec,
    CatalogSpec,
    FeeSpec,
    ItemSpec,
    MaterialSpec,
    Problem,
    StageSpec,
    build_spec,
    scalar_fields,
    validate,
    version_content,
    version_fields,
)

IMPORT_NOTE = "目录导入"
CHANGE_NOTE_MAX = 200


class CatalogImportError(DomainError):
    """The catalog has problems; ``problems`` lists every one, each with its location, in the
    order a person reads the file."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = _in_file_order(_unique(problems))
        count = len(self.problems)
        first = self.problems[0] if self.problems else None
        message = f"目录数据有{count}处问题，未导入任何数据" + (f"。第一处：{first}" if first else "")
        super().__init__("catalog.invalid", message, field=first.location if first else None)


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do), by implementation code and bundle code."""

    created: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # department, basic code or windows changed only
    unchanged: list[str] = field(default_factory=list)
    drafted: list[str] = field(default_factory=list)  # of created/new_versions: drafts awaiting legal review
    bundles_created: list[str] = field(default_factory=list)
    bundles_updated: list[str] = field(default_factory=list)
    bundles_unchanged: list[str] = field(default_factory=list)
    dry_run: bool = False

    def summary(self) -> str:
        """One line in Chinese."""
        text = (f"事项：新增{len(self.created)}个，发布新版本{len(self.new_versions)}个，"
                f"更新{len(self.updated)}个，未变{len(self.unchanged)}个；"
                f"一件事：新增{len(self.bundles_created)}个，更新{len(self.bundles_updated)}个，"
                f"未变{len(self.bundles_unchanged)}个")
        if self.drafted:
            text += f"；其中{len(self.drafted)}个为草稿，待法制审核通过后发布"
        return text + ("（试运行，未写入数据库）" if self.dry_run else "")


# --- entry points ------------------------------------------------------------------------------


def catalog_import(*, spec: CatalogSpec, actor: Staff | None, dry_run: bool = False,
                   change_note: str = IMPORT_NOTE, initial: bool | None = None) -> ImportReport:
    """Create or update every item and bundle of ``spec`` in one transaction.

    ``initial`` (default: when ``actor`` is None, the system) publishes new and changed items at
    once, as the initial list adopted after review; otherwise they become drafts awaiting their
    legal review. Either way an item matching a cancelled one is refused here when published at
    once (``cancelled_item_returns``), and at review or publication otherwise.

    Raises :class:`CatalogImportError` with every problem (located by path) and writes nothing
    if anything is wrong; ``PermissionDenied`` if ``actor`` may not edit an item's catalog.
    With ``dry_run`` everything is checked and counted, then rolled back.
    """
    return _import(spec, actor, dry_run=dry_run, change_note=change_note, prior=[],
                   initial=actor is None if initial is None else initial)


def catalog_import_file(*, path: Path, actor: Staff | None, dry_run: bool = False,
                        initial: bool | None = None) -> ImportReport:
    """Import a ``.xlsx``, ``.yaml`` or ``.yml`` catalog file; problems are located in the file
    (workbook: sheet, row, column and header; YAML: path) and raised as :class:`CatalogImportError`."""
    raw = read_catalog_file(path)
    if raw.data is None:
        raise CatalogImportError(raw.locate(p) for p in raw.problems)
    spec, shape_problems = build_spec(raw.data)
    try:
        return _import(spec, actor, dry_run=dry_run, change_note=f"{IMPORT_NOTE}：{path.name}"[:CHANGE_NOTE_MAX],
                       prior=raw.problems + shape_problems, initial=actor is None if initial is None else initial)
    except CatalogImportError as exc:
        raise CatalogImportError(raw.locate(p) for p in exc.problems) from None


def _in_file_order(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in the order a person reads the file: by sheet, row and column; or by path."""
    sheets = {title: index for index, title in enumerate(sheet_titles())}

    def key(problem: Problem) -> tuple[Any, ...]:
        if problem.sheet is not None:
            column = problem.column or ""
            return (0, sheets.get(problem.sheet, len(sheets)), problem.row or 0, len(column), column)
        parts = re.split(r"(\d+)", problem.location)
        return (1, tuple(int(part) if part.isdigit() else part for part in parts))

    return sorted(problems, key=key)


def item_draft_version(*, item_id: int, actor: Staff, changes: dict[str, Any],
                       change_note: str) -> ServiceItemVersion:
    """Draft a new version of an item: its current content with ``changes`` applied, waiting for
    its legal review (``review_services.version_review``) before it can be published.

    ``changes`` maps format field names to new values; ``materials``, ``fees`` and ``stages``
    (lists of dicts or specs) replace the whole list, otherwise they are copied. The same rules
    as an import apply. Identical content returns the current version without a new one; an item
    has at most one draft awaiting review (``catalog.draft_pending``).
    """
    with transaction.atomic():
        item = items_for_spec().select_for_update(of=("self",)).filter(pk=item_id).first()
        if item is None:
            raise NotFound("未找到该事项", code="item.not_found", field="item_id")
        require(actor, Action.CATALOG_EDIT, region=item.region, department=item.department)
        current = item_to_spec(item)
        spec = _edited_spec(current, changes)
        refs = _load_refs(spec)
        problems = _all_problems(spec, refs, prior=[])
        if len(change_note) > CHANGE_NOTE_MAX:
            problems.append(Problem("change_note", "too_long", f"变更说明不能超过{CHANGE_NOTE_MAX}个字符"))
        if problems:
            raise CatalogImportError(_relative(p, "items[0].") for p in problems)
        edited = spec.items[0]
        department = refs.departments[(item.region.code, edited.department)]
        require(actor, Action.CATALOG_EDIT, region=item.region, department=department)
        _update_identity(item, edited, current, department, _windows(edited, refs))
        if version_content(edited) == version_content(current):
            return item.current_version
        pending = pending_draft(item)
        if pending is not None:
            raise DomainError("catalog.draft_pending",
                              f"本事项已有待法制审核的草稿（第{pending.version}版），请待其审核发布或审核不通过后再修改",
                              field="item_id")
        return _publish(item, edited, actor=actor, change_note=change_note, draft=True)


# --- the import --------------------------------------------------------------------------------


@dataclass
class _Refs:
    """The database rows a spec names, loaded once."""

    regions: dict[str, Region]
    departments: dict[tuple[str, str], Department]
    windows: dict[tuple[str, str], Window]
    items: dict[str, ServiceItem]  # existing items by implementation code (grows as items are created)
    bundles: dict[str, Bundle]


def _import(spec: CatalogSpec, actor: Staff | None, *, dry_run: bool, change_note: str,
            prior: list[Problem], initial: bool) -> ImportReport:
    with transaction.atomic():
        refs = _load_refs(spec)
        _authorize(spec, refs, actor)
        problems = _all_problems(spec, refs, prior=prior)
        if problems:
            raise CatalogImportError(problems)
        report = ImportReport(dry_run=dry_run)
        for i, item_spec in enumerate(spec.items):
            _import_item(item_spec, refs, actor=actor, change_note=change_note, report=report, draft=not initial,
                         path=f"items[{i}]")
        for bundle_spec in spec.bundles:
            _import_bundle(bundle_spec, refs, report=report)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _texts(values: Iterable[Any]) -> set[str]:
    return {v for v in values if isinstance(v, str) and v}


def _load_refs(spec: CatalogSpec) -> _Refs:
    """Regions, departments and windows of the regions named, the items and bundles already there."""
    region_codes = _texts([i.region for i in spec.items] + [b.region for b in spec.bundles])
    item_codes = _texts([i.implementation_code for i in spec.items]
                        + [e.implementation_code for b in spec.bundles for e in b.items])
    bundle_codes = _texts(b.code for b in spec.bundles)
    departments = Department.objects.filter(region__code__in=region_codes).select_related("region")
    windows = Window.objects.filter(region__code__in=region_codes).select_related("region")
    items = items_for_spec().filter(implementation_code__in=item_codes).select_for_update(of=("self",))
    bundles = bundles_for_spec().filter(code__in=bundle_codes).select_for_update(of=("self",))
    return _Refs(
        regions={r.code: r for r in Region.objects.filter(code__in=region_codes)},
        departments={(d.region.code, d.code): d for d in departments},
        windows={(w.region.code, w.number): w for w in windows},
        items={i.implementation_code: i for i in items},
        bundles={b.code: b for b in bundles},
    )


def _authorize(spec: CatalogSpec, refs: _Refs, actor: Staff | None) -> None:
    """Every region (and department) the import writes to must be the actor's to edit."""
    if actor is None:
        return
    places: list[tuple[Region, Department | None]] = []
    for item in spec.items:
        region = refs.regions.get(item.region) if isinstance(item.region, str) else None
        if region is not None:
            places.append((region, refs.departments.get((region.code, item.department))))
        existing = refs.items.get(item.implementation_code) if isinstance(item.implementation_code, str) else None
        if existing is not None:
            places.append((existing.region, existing.department))
    for bundle in spec.bundles:
        region = refs.regions.get(bundle.region) if isinstance(bundle.region, str) else None
        if region is not None:
            places.append((region, refs.departments.get((region.code, bundle.lead_department))))
        existing = refs.bundles.get(bundle.code) if isinstance(bundle.code, str) else None
        if existing is not None:
            places.append((existing.region, existing.lead_department))
    checked: set[tuple[int, int | None]] = set()
    for region, department in places:
        key = (region.pk, department.pk if department else None)
        if key not in checked:
            checked.add(key)
            require(actor, Action.CATALOG_EDIT, region=region, department=department)


def _all_problems(spec: CatalogSpec, refs: _Refs, *, prior: list[Problem]) -> list[Problem]:
    """The problems read so far, the format's rules, and what the database says."""
    known = {code: item.region.code for code, item in refs.items.items()}
    return _unique(prior + validate(spec, known_items=known) + _reference_problems(spec, refs)
                   + _length_problems(spec))


def _is_region_code(code: Any) -> bool:
    if not isinstance(code, str):
        return False
    try:
        region_level(code)
    except InvalidRegionCode:
        return False
    return True


def _reference_problems(spec: CatalogSpec, refs: _Refs) -> list[Problem]:
    """Codes of regions, departments and windows that the database does not know."""
    problems: list[Problem] = []
    for i, item in enumerate(spec.items):
        problems += _item_reference_problems(item, f"items[{i}]", refs)
    for j, bundle in enumerate(spec.bundles):
        path = f"bundles[{j}]"
        region = _region_or_problem(bundle.region, f"{path}.region", refs, problems)
        if region is not None:
            _department_or_problem(region, bundle.lead_department, f"{path}.lead_department", refs, problems)
    return problems


def _item_reference_problems(item: ItemSpec, path: str, refs: _Refs) -> list[Problem]:
    problems: list[Problem] = []
    existing = refs.items.get(item.implementation_code) if isinstance(item.implementation_code, str) else None
    if existing is not None and isinstance(item.region, str) and existing.region.code != item.region:
        problems.append(Problem(f"{path}.region", "item_region_fixed",
                                f"实施编码“{item.implementation_code}”已属于区划{existing.region.code}，"
                                f"不能改为{item.region}"))
    region = _region_or_problem(item.region, f"{path}.region", refs, problems)
    if region is None:
        return problems
    _department_or_problem(region, item.department, f"{path}.department", refs, problems)
    for k, number in enumerate(item.windows if isinstance(item.windows, list) else []):
        if isinstance(number, str) and number and (region.code, number) not in refs.windows:
            problems.append(Problem(f"{path}.windows[{k}]", "unknown_window", f"{region.name}没有{number}号窗口"))
    for k, stage in enumerate(item.stages):
        _department_or_problem(region, stage.department, f"{path}.stages[{k}].department", refs, problems)
    return problems


def _region_or_problem(code: Any, where: str, refs: _Refs, problems: list[Problem]) -> Region | None:
    if not _is_region_code(code):
        return None  # missing or malformed: the format's rules already say so
    region = refs.regions.get(code)
    if region is None:
        problems.append(Problem(where, "unknown_region", f"区划“{code}”不存在"))
    return region


def _department_or_problem(region: Region, code: Any, where: str, refs: _Refs, problems: list[Problem]) -> None:
    if isinstance(code, str) and code and (region.code, code) not in refs.departments:
        problems.append(Problem(where, "unknown_department", f"{region.name}没有编码为“{code}”的部门"))


# Where each spec class is stored, and spec fields stored under another name.
_STORAGE: dict[type, tuple[tuple[type[models.Model], ...], dict[str, str]]] = {
    ItemSpec: ((ServiceItem, ServiceItemVersion), {}),
    MaterialSpec: ((Material,), {}),
    FeeSpec: ((FeeItem,), {}),
    StageSpec: ((Stage,), {"department": "department_code"}),
    BundleSpec: ((Bundle,), {}),
    BundleItemSpec: ((BundleItem,), {}),
}


def _length_problems(spec: CatalogSpec) -> list[Problem]:
    """Text longer than its column allows (the models say how long)."""
    problems: list[Problem] = []
    for i, item in enumerate(spec.items):
        problems += _too_long(item, f"items[{i}]")
        for name in ITEM_CHILD_FIELDS:
            for k, child in enumerate(getattr(item, name)):
                problems += _too_long(child, f"items[{i}].{name}[{k}]")
    for j, bundle in enumerate(spec.bundles):
        problems += _too_long(bundle, f"bundles[{j}]")
        for k, entry in enumerate(bundle.items):
            problems += _too_long(entry, f"bundles[{j}].items[{k}]")
    return problems


def _too_long(record: Any, path: str) -> list[Problem]:
    stored_in, renamed = _STORAGE[type(record)]
    problems: list[Problem] = []
    for name in scalar_fields(type(record)):
        value = getattr(record, name)
        limit = _max_length(stored_in, renamed.get(name, name))
        if isinstance(value, str) and limit is not None and len(value) > limit:
            problems.append(Problem(f"{path}.{name}", "too_long", f"不能超过{limit}个字符，实际为{len(value)}个"))
    return problems


def _max_length(stored_in: tuple[type[models.Model], ...], name: str) -> int | None:
    for model in stored_in:
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        # A foreign key (region, department) holds a code, checked against the database instead.
        return None if model_field.is_relation else model_field.max_length
    return None


def _unique(problems: Iterable[Problem]) -> list[Problem]:
    """The problems in order, each reported once."""
    return list(dict.fromkeys(problems))


# --- writing items and bundles -----------------------------------------------------------------


def _windows(item: ItemSpec, refs: _Refs) -> list[Window]:
    return [refs.windows[(item.region, number)] for number in item.windows]


def _import_item(item_spec: ItemSpec, refs: _Refs, *, actor: Staff | None, change_note: str,
                 report: ImportReport, draft: bool, path: str) -> None:
    """Create the item, or write a new version (a draft, or published when ``draft`` is false) if
    its content changed, or leave it."""
    code = item_spec.implementation_code
    region = refs.regions[item_spec.region]
    department = refs.departments[(region.code, item_spec.department)]
    windows = _windows(item_spec, refs)
    existing = refs.items.get(code)
    if existing is None:
        if not draft:
            _refuse_cancelled_return(item_spec, None, path)
        item = ServiceItem.objects.create(
            region=region, department=department, implementation_code=code, basic_code=item_spec.basic_code,
            results_public=results_public_by_default(item_spec.item_type, item_spec.name))
        item.windows.set(windows)
        _publish(item, item_spec, actor=actor, change_note=change_note, draft=draft)
        refs.items[code] = item
        report.created.append(code)
        if draft:
            report.drafted.append(code)
        return
    current = item_to_spec(existing) if existing.current_version_id else None
    identity_changed = _update_identity(existing, item_spec, current, department, windows)
    pending = pending_draft(existing)
    if draft and pending is not None:
        if version_content(item_to_spec(existing, pending)) != version_content(item_spec):
            raise CatalogImportError([Problem(
                f"{path}.implementation_code", "draft_pending",
                f"事项“{code}”已有待法制审核的草稿（第{pending.version}版），请待其审核后再导入修改")])
        report.unchanged.append(code)
    elif current is None or version_content(current) != version_content(item_spec):
        if not draft:
            # Only what would be written counts: re-importing a cancelled item unchanged brings nothing back.
            _refuse_cancelled_return(item_spec, existing, path)
        _publish(existing, item_spec, actor=actor, change_note=change_note, draft=draft)
        report.new_versions.append(code)
        if draft:
            report.drafted.append(code)
    elif identity_changed:
        report.updated.append(code)
    else:
        report.unchanged.append(code)


def _update_identity(item: ServiceItem, spec: ItemSpec, current: ItemSpec | None, department: Department,
                     windows: list[Window]) -> bool:
    """Bring the item row (basic code, department, windows) to the spec; True if anything changed."""
    changed_fields = []
    if item.basic_code != spec.basic_code:
        item.basic_code = spec.basic_code
        changed_fields.append("basic_code")
    if item.department_id != department.pk:
        item.department = department
        changed_fields.append("department")
    if changed_fields:
        item.save(update_fields=changed_fields)
    old_windows = set(current.windows) if current is not None else {w.number for w in item.windows.all()}
    windows_changed = old_windows != {w.number for w in windows}
    if windows_changed:
        item.windows.set(windows)
    return bool(changed_fields) or windows_changed


def pending_draft(item: ServiceItem) -> ServiceItemVersion | None:
    """The item's draft not yet published: pending its legal review, or approved and awaiting publication."""
    return (item.versions.filter(is_draft=True, legal_review__status__in=[LegalReview.Status.PENDING,
                                                                          LegalReview.Status.APPROVED])
            .order_by("-version").first())


def cancelled_facts() -> list[ItemFacts]:
    """Every cancelled item as the match rule reads it (its content when it was cancelled)."""
    changes = CatalogChange.objects.filter(kind=CatalogChange.Kind.CANCELLED).select_related("item")
    return [ItemFacts(c.item_id, c.item.basic_code, c.name, c.legal_basis) for c in changes]


def _refuse_cancelled_return(spec: ItemSpec, existing: ServiceItem | None, path: str) -> None:
    """Publishing at once (no review to acknowledge it): an item matching a cancelled one is refused."""
    candidate = ItemFacts(existing.pk if existing is not None else None, spec.basic_code, spec.name, spec.legal_basis)
    found = returning_cancelled(candidate, cancelled_facts())
    if found:
        facts, reason = found[0]
        raise CatalogImportError([Problem(
            f"{path}.name", "cancelled_item_returns",
            f"“{spec.name}”与已取消的事项“{facts.name}”{reason}：已取消的事项不得改头换面重新设立，"
            "须经法制审核明确知悉该已取消事项后方可发布")])


def _publish(item: ServiceItem, spec: ItemSpec, *, actor: Staff | None, change_note: str,
             draft: bool) -> ServiceItemVersion:
    """Write a new version with its materials, fees and stages. A draft waits for its legal
    review; otherwise (the initial list) it is recorded as reviewed and becomes the current one."""
    number = (item.versions.aggregate(last=Max("version"))["last"] or 0) + 1
    version = ServiceItemVersion.objects.create(
        item=item, version=number, created_by=actor.user if actor is not None else None,
        change_note=change_note, pinyin_initials=pinyin_initials(spec.name), is_draft=draft,
        **{name: getattr(spec, name) for name in version_fields()},
    )
    Material.objects.bulk_create(
        Material(version=version, order=k, **dataclasses.asdict(m)) for k, m in enumerate(spec.materials, start=1))
    FeeItem.objects.bulk_create(
        FeeItem(version=version, order=k, **dataclasses.asdict(f)) for k, f in enumerate(spec.fees, start=1))
    Stage.objects.bulk_create(_stage_row(version, k, s) for k, s in enumerate(spec.stages, start=1))
    now = timezone.now()
    if draft:
        LegalReview.objects.create(version=version, drafter=actor, submitted_at=now)
        return version
    LegalReview.objects.create(version=version, drafter=actor, submitted_at=now, status=LegalReview.Status.APPROVED,
                               reviewed_at=now, is_initial=True, published_at=now,
                               opinion="初始清单导入，按已审定的实施清单发布")
    item.current_version = version
    item.save(update_fields=["current_version"])
    transaction.on_commit(pagecache.invalidate)
    return version


def _stage_row(version: ServiceItemVersion, order: int, stage: StageSpec) -> Stage:
    values = dataclasses.asdict(stage)
    values["department_code"] = values.pop("department")
    return Stage(version=version, order=order, **values)


def _import_bundle(spec: BundleSpec, refs: _Refs, *, report: ImportReport) -> None:
    """Create or update a bundle and its list of items; leave it if nothing differs."""
    existing = refs.bundles.get(spec.code)
    if existing is not None and bundle_to_spec(existing) == spec:
        report.bundles_unchanged.append(spec.code)
        return
    bundle = existing or Bundle(code=spec.code)
    bundle.name = spec.name
    bundle.region = refs.regions[spec.region]
    bundle.life_event = spec.life_event
    bundle.description = spec.description
    bundle.lead_department = refs.departments[(spec.region, spec.lead_department)]
    bundle.save()
    BundleItem.objects.filter(bundle=bundle).delete()
    BundleItem.objects.bulk_create(
        BundleItem(bundle=bundle, item=refs.items[e.implementation_code], order=k, situation=e.situation)
        for k, e in enumerate(spec.items, start=1))
    (report.bundles_updated if existing is not None else report.bundles_created).append(spec.code)


# --- editing one item --------------------------------------------------------------------------


def _edited_spec(current: ItemSpec, changes: dict[str, Any]) -> CatalogSpec:
    """The catalog of one item: ``current`` with ``changes`` applied, read like a file would be."""
    fixed = sorted({"implementation_code", "region"} & changes.keys())
    if fixed:
        raise DomainError("item.identity_fixed", f"实施编码和区划不能修改（{', '.join(fixed)}）", field=fixed[0])
    data = dataclasses.asdict(current)
    data.update({key: _as_data(value) for key, value in changes.items()})
    spec, problems = build_spec({"items": [data]})
    if problems:
        raise CatalogImportError(_relative(p, "items[0].") for p in problems)
    return spec


def _as_data(value: Any) -> Any:
    """Specs given in ``changes`` become plain dicts, as if read from a file."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, list):
        return [_as_data(v) for v in value]
    return value


def _relative(problem: Problem, prefix: str) -> Problem:
    """A problem of a one-item edit, located relative to the item (``materials[1].name``)."""
    location = problem.location.removeprefix(prefix)
    return dataclasses.replace(problem, location=location)
