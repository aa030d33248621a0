"""Reads of the public portal: the search index, a service guide, a bundle guide, form files."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePath

from django.conf import settings
from django.db.models import Count, Max, Prefetch, Sum

from onewindow.catalog import selectors as catalog_selectors
from onewindow.catalog.models import Bundle, BundleItem, FeeItem, Material, ServiceItem, ServiceItemVersion
from onewindow.catalog.rules import (
    DELIVERY_METHOD_LABELS,
    MATERIAL_FORM_LABELS,
    MATERIAL_SOURCE_LABELS,
    ONLINE_DEPTH_LABELS,
    SPECIAL_PROCEDURE_LABELS,
    critical_path_workdays,
)
from onewindow.core import caches
from onewindow.core.errors import DomainError, NotFound
from onewindow.organization.models import Department, Region, Window
from onewindow.organization.rules import ROLE_LABELS, InvalidRegionCode, is_within, region_prefix

from . import search as ranking
from .guide import BundleLimits, FlowStep, bundle_limits, clauses, flow_steps
from .models import Synonym
from .segment import Segmenter

# --- the search index --------------------------------------------------------------------------

# One segmenter per process: jieba's dictionary is loaded once, on the first search.
SEGMENTER = Segmenter()
INDEX_MAX_AGE_SECONDS = 300  # use counts and department names are refreshed at least this often


@dataclass(frozen=True)
class _Built:
    signature: tuple
    built_at: float
    index: ranking.SearchIndex
    synonyms: tuple[tuple[str, str, tuple[str, ...]], ...]  # (region code, term, words)

    def synonyms_for(self, region_code: str | None) -> dict[str, list[str]]:
        """Synonyms that apply to a search of ``region_code`` (those of the region, the regions
        above it and below it) or, without a region, all of them; merged by term."""
        merged: dict[str, list[str]] = {}
        for code, term, words in self.synonyms:
            if region_code and not (is_within(region_code, code) or is_within(code, region_code)):
                continue
            bucket = merged.setdefault(term, [])
            bucket.extend(w for w in words if w not in bucket)
        return merged


_lock = threading.Lock()
_built: _Built | None = None


def catalog_signature() -> tuple:
    """What changes whenever the searchable catalog does: a published version, an item
    withdrawn, a bundle's items, a synonym. Four small aggregate queries instead of a reload."""
    items = (ServiceItem.objects.filter(is_active=True, current_version__isnull=False)
             .aggregate(n=Count("id"), total=Sum("current_version_id"), last=Max("current_version_id")))
    members = BundleItem.objects.aggregate(n=Count("id"), last=Max("id"))
    bundles = Bundle.objects.aggregate(n=Count("id"), last=Max("id"))
    synonyms = Synonym.objects.aggregate(n=Count("id"), last=Max("id"), changed=Max("updated_at"))
    return (tuple(items.values()), tuple(members.values()), tuple(bundles.values()), tuple(synonyms.values()))


@caches.register
def invalidate_search_index() -> None:
    """Forget the index of this process (the next search rebuilds it)."""
    global _built
    _built = None


def _index_max_age() -> float:
    return float(settings.ONEWINDOW.get("SEARCH_INDEX_MAX_AGE", INDEX_MAX_AGE_SECONDS))


def _current() -> _Built:
    """The index for the catalog as it is now: rebuilt when the signature moved or it got old."""
    global _built
    signature = catalog_signature()
    built = _built
    if built is not None and built.signature == signature and time.monotonic() - built.built_at < _index_max_age():
        return built
    with _lock:
        built = _built
        if built is None or built.signature != signature or time.monotonic() - built.built_at >= _index_max_age():
            built = _build(signature)
            _built = built
    return built


def _build(signature: tuple) -> _Built:
    documents = search_documents()
    synonyms = tuple((s.region.code, s.term, tuple(s.words))
                     for s in Synonym.objects.select_related("region").order_by("region__code", "term"))
    words = [w for _, term, ws in synonyms for w in (term, *ws)]
    SEGMENTER.add_words([d.name for d in documents] + [d.life_event for d in documents if d.life_event]
                        + [d.result_name for d in documents if d.result_name] + words)
    index = ranking.build_index(documents, SEGMENTER, extra_words=words)
    return _Built(signature=signature, built_at=time.monotonic(), index=index, synonyms=synonyms)


def search_documents() -> list[ranking.Document]:
    """The published catalog as search candidates: every active published item, every bundle
    (with its published items only), with what a results page shows about them."""
    materials = Prefetch("current_version__materials", queryset=Material.objects.only("id", "version_id", "name"))
    items = list(catalog_selectors.published_items().prefetch_related(materials)
                 .order_by("region__code", "department__order", "department__code", "implementation_code"))
    by_code = {item.implementation_code: item for item in items}
    documents: list[ranking.Document] = []
    for item in items:
        v = item.current_version
        dept = item.department
        documents.append(ranking.Document(
            kind="item", key=item.implementation_code, name=v.name, region_code=item.region.code,
            department_codes=(dept.code,), department_names=tuple(n for n in (dept.name, dept.short_name) if n),
            result_name=v.result_name, material_names=tuple(m.name for m in v.materials.all()),
            codes=(item.implementation_code, item.basic_code), use_count=item.use_count,
            display={"item_type": v.get_item_type_display(), "handling_type": v.handling_type,
                     "handling_label": v.get_handling_type_display(), "promised_limit": v.promised_limit,
                     "promised_unit": v.get_promised_unit_display(), "statutory_limit": v.statutory_limit,
                     "statutory_unit": v.get_statutory_unit_display(), "department": dept.name,
                     "max_visits": v.max_visits},
        ))
    bundles = (Bundle.objects.select_related("region", "lead_department")
               .prefetch_related(Prefetch("bundle_items", queryset=BundleItem.objects.order_by("order"))))
    by_id = {item.pk: item for item in items}
    for bundle in bundles:
        published = [(by_id[e.item_id].implementation_code, e.situation) for e in bundle.bundle_items.all()
                     if e.item_id in by_id]
        lead = bundle.lead_department
        codes = [lead.code]
        for code, _ in published:
            dept_code = by_code[code].department.code
            if dept_code not in codes:
                codes.append(dept_code)
        documents.append(ranking.Document(
            kind="bundle", key=bundle.code, name=bundle.name, region_code=bundle.region.code,
            department_codes=tuple(codes), department_names=tuple(n for n in (lead.name, lead.short_name) if n),
            life_event=bundle.life_event, members=tuple(published),
            use_count=sum(by_code[code].use_count for code, _ in published),
            display={"department": lead.name, "life_event": bundle.life_event, "item_count": len(published),
                     "description": bundle.description},
        ))
    return documents


@dataclass(frozen=True)
class SearchPage:
    """A search's outcome and the departments the search form offers (from the same index)."""

    outcome: ranking.Outcome
    departments: list[tuple[str, str]]  # (code, name), in hall order


def search_page(q: str, *, region_code: str | None = None, department_code: str | None = None,
                limit: int = ranking.DEFAULT_LIMIT) -> SearchPage:
    """Items and bundles for what someone typed, best first (see :mod:`onewindow.portal.search`).

    ``region_code`` (12 digits) keeps that region and the regions below it; ``department_code``
    one department. ``DomainError`` for a query that is too long or a malformed region code.
    """
    q = (q or "").strip()
    if len(q) > ranking.QUERY_MAX_LENGTH:
        raise DomainError("search.query_too_long", f"搜索内容不能超过{ranking.QUERY_MAX_LENGTH}个字", field="q")
    prefix = None
    if region_code:
        try:
            prefix = region_prefix(region_code)
        except InvalidRegionCode:
            raise DomainError("region.invalid_code", f"区划代码应为12位数字：{region_code}", field="region") from None
    department_code = (department_code or "").strip()[:32] or None
    built = _current()
    outcome = ranking.search(built.index, q, synonyms=built.synonyms_for(region_code), region_prefix=prefix,
                             department=department_code,
                             limit=max(1, min(limit, catalog_selectors.SEARCH_LIMIT_MAX)))
    return SearchPage(outcome=outcome, departments=built.index.departments)


def search(q: str, *, region_code: str | None = None, department_code: str | None = None,
           limit: int = ranking.DEFAULT_LIMIT) -> ranking.Outcome:
    """:func:`search_page` without the form's departments."""
    return search_page(q, region_code=region_code, department_code=department_code, limit=limit).outcome


def region_by_code(code: str | None) -> Region | None:
    return Region.objects.filter(code=code).first() if code else None


# --- the service guide -------------------------------------------------------------------------


@dataclass(frozen=True)
class StageRow:
    """A stage as the flow chart shows it."""

    order: int
    name: str
    department_name: str
    role_label: str
    budget_workdays: int
    parallel_group: int | None
    requires_two_signatures: bool


@dataclass(frozen=True)
class MaterialRow:
    material: Material
    form_label: str
    source_label: str
    has_blank_form: bool
    has_sample: bool


@dataclass(frozen=True)
class FeeRow:
    fee: FeeItem
    amount: str  # yuan with two places ("12.50"), or "" when the standard decides the amount


def yuan(fen: int | None) -> str:
    """Integer fen as yuan with two places, without floats: 1250 → "12.50"."""
    if fen is None:
        return ""
    return f"{fen // 100}.{fen % 100:02d}"


@dataclass(frozen=True)
class VersionRow:
    number: int
    created_at: datetime
    change_note: str
    is_current: bool


@dataclass
class GuidePage:
    """Everything the guide of one item version shows (行政许可法 第三十条; LEGAL-RULES §4)."""

    version: ServiceItemVersion
    item: ServiceItem
    is_current: bool
    current_number: int
    conditions: list[str]
    steps: list[FlowStep[StageRow]]
    critical_workdays: int
    materials: list[MaterialRow]
    fees: list[FeeRow]
    windows: list[Window]
    special_procedures: list[str]
    delivery_methods: list[str]
    online_depth_label: str
    bundles: list[tuple[str, str]]
    versions: list[VersionRow] = field(default_factory=list)

    @property
    def has_parallel(self) -> bool:
        return any(step.parallel for step in self.steps)


def guide_page(implementation_code: str, version: int | None = None) -> GuidePage:
    """The guide of a published item's current version, or of version number ``version``
    (an old one stays readable: a case keeps the version it was accepted under). ``NotFound``
    for an unknown, withdrawn or unpublished item or version."""
    v = catalog_selectors.item_guide(implementation_code, version)
    item = v.item
    stages = list(v.stages.all())
    names = dict(Department.objects.filter(region_id=item.region_id, code__in={s.department_code for s in stages})
                 .values_list("code", "name"))
    rows = [StageRow(order=s.order, name=s.name, department_name=names.get(s.department_code, s.department_code),
                     role_label=_role_label(s.role), budget_workdays=s.budget_workdays,
                     parallel_group=s.parallel_group, requires_two_signatures=s.requires_two_signatures)
            for s in stages]
    versions = [VersionRow(number=r["version"], created_at=r["created_at"], change_note=r["change_note"],
                           is_current=r["id"] == item.current_version_id)
                for r in ServiceItemVersion.objects.filter(item=item, is_draft=False).order_by("-version")
                .values("id", "version", "created_at", "change_note")]
    current_number = next((r.number for r in versions if r.is_current), v.version)
    return GuidePage(
        version=v, item=item, is_current=v.pk == item.current_version_id, current_number=current_number,
        conditions=clauses(v.acceptance_conditions),
        steps=flow_steps(rows),
        critical_workdays=critical_path_workdays([(s.budget_workdays, s.parallel_group) for s in stages]),
        materials=[MaterialRow(material=m, form_label=MATERIAL_FORM_LABELS.get(m.form, m.form),
                               source_label=MATERIAL_SOURCE_LABELS.get(m.source, m.source),
                               has_blank_form=catalog_file(m.blank_form) is not None,
                               has_sample=catalog_file(m.sample) is not None)
                   for m in v.materials.all()],
        fees=[FeeRow(fee=f, amount=yuan(f.amount_fen)) for f in v.fees.all()],
        windows=list(item.windows.all()),
        special_procedures=[SPECIAL_PROCEDURE_LABELS.get(p, p) for p in v.special_procedures],
        delivery_methods=[DELIVERY_METHOD_LABELS.get(d, d) for d in v.delivery_methods],
        online_depth_label=ONLINE_DEPTH_LABELS.get(v.online_depth, str(v.online_depth)),
        bundles=list(Bundle.objects.filter(bundle_items__item=item).order_by("code").values_list("code", "name")
                     .distinct()),
        versions=versions,
    )


def _role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)  # Role is a StrEnum: the stored string finds its label


# --- blank forms and samples -------------------------------------------------------------------


def catalog_files_dir() -> Path:
    """Where blank forms and samples named by the catalog (``Material.blank_form`` / ``sample``)
    are kept: ``ONEWINDOW["CATALOG_FILES_DIR"]``, else ``MEDIA_ROOT/catalog``. Read on each call,
    so tests and operators can move it."""
    configured = settings.ONEWINDOW.get("CATALOG_FILES_DIR")
    return Path(configured) if configured else Path(settings.MEDIA_ROOT) / "catalog"


def catalog_file(name: str) -> Path | None:
    """The file a material names, if it is a plain file name that exists in the directory;
    never a path outside it."""
    if not name or name in {".", ".."} or "/" in name or "\\" in name or PurePath(name).name != name:
        return None
    base = catalog_files_dir()
    path = base / name
    try:
        if path.resolve().parent != base.resolve() or not path.is_file():
            return None
    except OSError:
        return None
    return path


FILE_KINDS = {"form": "blank_form", "sample": "sample"}


def material_file(implementation_code: str, version: int, order: int, kind: str) -> tuple[Path, str]:
    """The blank form (``kind="form"``) or sample (``"sample"``) of one material of a published
    item's version: (path, file name). ``NotFound`` when there is none to download."""
    attribute = FILE_KINDS.get(kind)
    material = None
    if attribute is not None:
        material = (Material.objects.filter(version__item__implementation_code=implementation_code,
                                            version__item__is_active=True,
                                            version__item__current_version__isnull=False,
                                            version__version=version, order=order).first())
    name = getattr(material, attribute, "") if material is not None and attribute else ""
    path = catalog_file(name)
    if path is None:
        raise NotFound("该材料没有可下载的文件", code="material.file_not_found", field="order")
    return path, name


# --- the bundle guide --------------------------------------------------------------------------


@dataclass(frozen=True)
class BundleEntry:
    item: ServiceItem
    version: ServiceItemVersion
    situation: str


@dataclass(frozen=True)
class BundleMaterialRow:
    name: str
    required: bool
    copies: int
    form_label: str
    source_label: str
    items: list[tuple[str, str]]  # (implementation code, item name) of the items that ask for it


@dataclass
class BundlePage:
    bundle: Bundle
    entries: list[BundleEntry]
    materials: list[BundleMaterialRow]
    limits: BundleLimits
    departments: list[str]

    @property
    def situations(self) -> list[str]:
        """The situations (情形) an applicant chooses among, each once, in the items' order."""
        return list(dict.fromkeys(e.situation for e in self.entries if e.situation))


def bundle_page(code: str) -> BundlePage:
    """A bundle (一件事) with its published items in order (and their situations), one merged,
    deduplicated material list, and its limits. ``NotFound`` for an unknown code."""
    bundle = Bundle.objects.select_related("region", "lead_department").filter(code=code).first()
    if bundle is None:
        raise NotFound(f"未找到编码为“{code}”的一件事", code="bundle.not_found", field="code")
    entries = [BundleEntry(item=e.item, version=e.item.current_version, situation=e.situation)
               for e in BundleItem.objects.filter(bundle=bundle, item__is_active=True,
                                                  item__current_version__isnull=False)
               .select_related("item__current_version", "item__department").order_by("order")]
    names = {e.item.implementation_code: e.version.name for e in entries}
    materials = []
    for m in catalog_selectors.bundle_materials(bundle):
        asked_by = [(c, names[c]) for c in m.item_codes if c in names]
        if asked_by:  # a withdrawn item's materials are no longer asked for
            materials.append(BundleMaterialRow(name=m.name, required=m.required, copies=m.copies,
                                               form_label=MATERIAL_FORM_LABELS.get(m.form, m.form),
                                               source_label=MATERIAL_SOURCE_LABELS.get(m.source, m.source),
                                               items=asked_by))
    departments = [bundle.lead_department.name]
    for e in entries:
        if e.item.department.name not in departments:
            departments.append(e.item.department.name)
    return BundlePage(bundle=bundle, entries=entries, materials=materials,
                      limits=bundle_limits([(e.version.promised_limit, e.version.promised_unit) for e in entries]),
                      departments=departments)
