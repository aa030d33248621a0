"""Reads of the catalog."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field, fields

from django.db.models import Prefetch, Q, QuerySet

from onewindow.core import caches
from onewindow.core.errors import DomainError, NotFound
from onewindow.organization.models import Department, Window
from onewindow.organization.rules import InvalidRegionCode, region_prefix

from .models import Bundle, BundleItem, Material, ServiceItem, ServiceItemVersion, Stage
from .rules import MaterialTerms
from .spec import (
    BundleItemSpec,
    BundleSpec,
    CatalogSpec,
    FeeSpec,
    ItemSpec,
    MaterialSpec,
    StageSpec,
    normalize_material_name,
    version_fields,
)

SEARCH_LIMIT_MAX = 200


# --- the parts of a published version, kept in process --------------------------------------------


@dataclass(frozen=True)
class VersionParts:
    """What every case transition of a version asks for: the version, its stages and its
    materials, in order."""

    version: ServiceItemVersion
    stages: tuple[Stage, ...]
    materials: tuple[tuple[str, bool], ...]  # (name, required)
    # Each material's name, necessity, provision and 容缺 flag (what acceptance checks).
    material_terms: tuple[MaterialTerms, ...] = ()


_PARTS_CACHE_SIZE = 512
_parts_lock = threading.Lock()
_parts: OrderedDict[int, VersionParts] = OrderedDict()


def version_parts(version_id: int) -> VersionParts:
    """A version with its stages and materials, read once per process.

    A published version is never edited (a change publishes the next version, and the admin
    shows versions read-only), so what was read stays true. The objects are shared: callers
    must not modify them, nor follow the version's foreign keys (the item changes).
    """
    with _parts_lock:
        cached = _parts.get(version_id)
        if cached is not None:
            _parts.move_to_end(version_id)
            return cached
    try:
        version = ServiceItemVersion.objects.get(pk=version_id)
    except ServiceItemVersion.DoesNotExist:
        raise NotFound("事项版本不存在", code="item.version_not_found", field="item_version") from None
    stages = tuple(Stage.objects.filter(version_id=version_id).order_by("order"))
    rows = Material.objects.filter(version_id=version_id).order_by("order").values_list(
        "name", "required", "provision", "deferrable")
    terms = tuple(MaterialTerms(name, required, provision, deferrable) for name, required, provision, deferrable in rows)
    parts = VersionParts(version, stages, tuple((t.name, t.required) for t in terms), terms)
    with _parts_lock:
        _parts[version_id] = parts
        while len(_parts) > _PARTS_CACHE_SIZE:
            _parts.popitem(last=False)
    return parts


@caches.register
def forget_version_parts() -> None:
    """Drop the kept parts (tests: each test's database reuses version ids)."""
    with _parts_lock:
        _parts.clear()


def published_items() -> QuerySet[ServiceItem]:
    """Active items that have a published version, with it joined."""
    return (ServiceItem.objects.filter(is_active=True, current_version__isnull=False)
            .select_related("current_version", "department", "region"))


def public_departments() -> list[Department]:
    """Stationed departments with their published items (``dept.public_items``), in hall order."""
    items = published_items().order_by("implementation_code")
    return list(
        Department.objects.filter(is_stationed=True, items__in=items).distinct()
        .select_related("region").order_by("region__code", "order", "code")
        .prefetch_related(Prefetch("items", queryset=items, to_attr="public_items"))
    )


def public_bundles() -> list[Bundle]:
    """The one-thing bundles (一件事) for the portal's home: every bundle with at least one
    published item, by region and code."""
    return list(Bundle.objects.filter(items__in=published_items()).distinct().select_related("region")
                .order_by("region__code", "code"))


# --- search and guide --------------------------------------------------------------------------


def _region_q(region_code: str, field: str = "region") -> Q:
    """Rows of this region and every region below it (codes share the prefix)."""
    try:
        prefix = region_prefix(region_code)
    except InvalidRegionCode:
        raise DomainError("region.invalid_code", f"区划代码应为12位数字：{region_code}", field="region") from None
    return Q(**{f"{field}__code__startswith": prefix})


def search_items(q: str = "", *, region_code: str | None = None, department_code: str | None = None,
                 limit: int = 50) -> list[ServiceItem]:
    """Published items whose name contains ``q``, whose implementation or basic code starts with it,
    or whose pinyin initials start with it (``yyzz`` finds 营业执照); empty ``q`` lists them all."""
    items = published_items()
    if region_code:
        items = items.filter(_region_q(region_code))
    if department_code:
        items = items.filter(department__code=department_code)
    q = q.strip()
    if q:
        match = (Q(current_version__name__icontains=q) | Q(implementation_code__istartswith=q)
                 | Q(basic_code__istartswith=q))
        if q.isascii() and q.isalnum():
            match |= Q(current_version__pinyin_initials__startswith=q.lower())
        items = items.filter(match)
    limit = max(1, min(limit, SEARCH_LIMIT_MAX))
    return list(items.order_by("region__code", "department__order", "implementation_code")[:limit])


def item_guide(implementation_code: str, version: int | None = None) -> ServiceItemVersion:
    """The guide of a published item: its current version (or version number ``version``) with
    ``materials``, ``fees``, ``stages`` and ``item`` (region, department, windows) loaded."""
    item = published_items().filter(implementation_code=implementation_code).first()
    if item is None:
        raise NotFound(f"未找到实施编码为“{implementation_code}”的事项", code="item.not_found", field="code")
    versions = (ServiceItemVersion.objects.filter(item=item, is_draft=False)  # a draft awaits its legal review
                .select_related("item__region", "item__department")
                .prefetch_related("materials", "fees", "stages",
                                  Prefetch("item__windows", queryset=Window.objects.order_by("number"))))
    number = item.current_version.version if version is None else version
    found = versions.filter(version=number).first()
    if found is None:
        raise NotFound(f"事项“{implementation_code}”没有第{version}版", code="item.version_not_found",
                       field="version")
    return found


# --- bundles -----------------------------------------------------------------------------------


@dataclass
class BundleMaterial:
    """One material of a bundle's merged list, with the items that ask for it."""

    name: str
    required: bool
    copies: int
    form: str
    source: str
    item_codes: list[str] = field(default_factory=list)


def bundle_materials(bundle: Bundle) -> list[BundleMaterial]:
    """The deduplicated material set of a bundle (一件事一次告知): one entry per normalized name,
    in order of first appearance, required if any item requires it, the largest number of copies."""
    merged: dict[str, BundleMaterial] = {}
    entries = (BundleItem.objects.filter(bundle=bundle).order_by("order")
               .select_related("item__current_version").prefetch_related("item__current_version__materials"))
    for entry in entries:
        version = entry.item.current_version
        if version is None:
            continue
        for material in version.materials.all():
            key = normalize_material_name(material.name)
            found = merged.get(key)
            if found is None:
                found = merged[key] = BundleMaterial(material.name, material.required, material.copies,
                                                     material.form, material.source)
            else:
                found.required = found.required or material.required
                found.copies = max(found.copies, material.copies)
            if entry.item.implementation_code not in found.item_codes:
                found.item_codes.append(entry.item.implementation_code)
    return list(merged.values())


# --- export ------------------------------------------------------------------------------------


def items_for_spec() -> QuerySet[ServiceItem]:
    """Items with everything :func:`item_to_spec` reads, loaded in a fixed number of queries."""
    return (ServiceItem.objects.select_related("region", "department", "current_version")
            .prefetch_related(Prefetch("windows", queryset=Window.objects.order_by("number")),
                              "current_version__materials", "current_version__fees", "current_version__stages"))


def item_to_spec(item: ServiceItem, version: ServiceItemVersion | None = None) -> ItemSpec:
    """An item as the interchange format describes it: its identity and one version (current)."""
    version = version or item.current_version
    if version is None:
        raise NotFound(f"事项“{item.implementation_code}”尚未发布", code="item.unpublished")
    content = {name: _copy(getattr(version, name)) for name in version_fields()}
    return ItemSpec(
        implementation_code=item.implementation_code,
        basic_code=item.basic_code,
        region=item.region.code,
        department=item.department.code,
        windows=[window.number for window in item.windows.all()],
        materials=[_record(MaterialSpec, m) for m in version.materials.all()],
        fees=[_record(FeeSpec, f) for f in version.fees.all()],
        stages=[_record(StageSpec, s, department=s.department_code) for s in version.stages.all()],
        **content,
    )


def _copy(value: object) -> object:
    return list(value) if isinstance(value, list) else value


def _record(cls: type, row: object, **given: object) -> object:
    """A child spec (material, fee, stage) from its row; ``given`` fills fields named differently."""
    values = {f.name: getattr(row, f.name) for f in fields(cls) if f.name not in given}
    return cls(**values, **given)


def bundle_to_spec(bundle: Bundle) -> BundleSpec:
    """A bundle as the interchange format describes it."""
    entries = sorted(bundle.bundle_items.all(), key=lambda entry: entry.order)
    return BundleSpec(
        code=bundle.code, name=bundle.name, region=bundle.region.code, life_event=bundle.life_event,
        description=bundle.description, lead_department=bundle.lead_department.code,
        items=[BundleItemSpec(implementation_code=e.item.implementation_code, situation=e.situation)
               for e in entries],
    )


def bundles_for_spec() -> QuerySet[Bundle]:
    """Bundles with everything :func:`bundle_to_spec` reads."""
    return (Bundle.objects.select_related("region", "lead_department")
            .prefetch_related(Prefetch("bundle_items", queryset=BundleItem.objects.select_related("item"))))


def export_catalog(*, region_code: str | None = None) -> CatalogSpec:
    """The published catalog (active items, and bundles) of a region and the regions below it,
    or of every region; ordered by code, so the same data always gives the same file."""
    items = items_for_spec().filter(is_active=True, current_version__isnull=False)
    bundles = bundles_for_spec()
    if region_code:
        items = items.filter(_region_q(region_code))
        bundles = bundles.filter(_region_q(region_code))
    return CatalogSpec(
        items=[item_to_spec(item) for item in items.order_by("implementation_code")],
        bundles=[bundle_to_spec(bundle) for bundle in bundles.order_by("code")],
    )
