"""The catalog interchange format (``onewindow-catalog/1``) as plain dataclasses, and its rules.

No Django imports: the YAML and Excel readers turn a file into the same plain ``dict`` shape,
:func:`parse_catalog_dict` turns that into a :class:`CatalogSpec`, and :func:`validate` checks
every rule of the format that needs no database (docs: /work/briefs/catalog-format.md). The
rules that need the database (do the region, department and window codes exist?) live in
``services.py``. A spec is only trustworthy once validation found no problem: until then a field
may hold ``None`` (missing) or a value of the wrong type, exactly as it was read.

Field names are the model field names of ``models.py``, except that organization rows are named
by their codes (``region``, ``department``, ``windows``, a stage's ``department``).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from onewindow.organization.rules import ROLE_LABELS, InvalidRegionCode, is_within, region_level

from .rules import (
    DELIVERY_METHOD_LABELS,
    HANDLING_TYPE_LABELS,
    ITEM_TYPE_LABELS,
    JOINT_STATUTORY_LIMIT,
    LIMIT_UNIT_LABELS,
    MATERIAL_FORM_LABELS,
    MATERIAL_PROVISION_LABELS,
    MATERIAL_SOURCE_LABELS,
    ONLINE_DEPTH_LABELS,
    RESULT_TYPE_LABELS,
    SPECIAL_PROCEDURE_LABELS,
    HandlingType,
    critical_path_workdays,
)

FORMAT = "onewindow-catalog/1"


# --- the shape ---------------------------------------------------------------------------------


@dataclass(kw_only=True)
class MaterialSpec:
    """One application material (申请材料); the position in the list is its order."""

    name: str
    required: bool = True
    form: str = "both"
    copies: int = 1
    source: str = "applicant"
    provision: str = "applicant"
    deferrable: bool = False
    paper_size: str = ""
    blank_form: str = ""
    sample: str = ""
    instructions: str = ""


@dataclass(kw_only=True)
class FeeSpec:
    """One fee item; 行政许可法 第五十八、五十九条: never without a basis and a published standard."""

    name: str
    basis: str
    standard: str
    amount_fen: int | None = None
    waivable: bool = False
    waiver_basis: str = ""


@dataclass(kw_only=True)
class StageSpec:
    """One step of the process; ``department`` is a department code of the item's region."""

    name: str
    department: str
    role: str
    budget_workdays: int
    parallel_group: int | None = None
    requires_two_signatures: bool = False


@dataclass(kw_only=True)
class ItemSpec:
    """One service item as the implementation list describes it (one published version)."""

    implementation_code: str
    basic_code: str
    region: str
    department: str
    windows: list[str] = field(default_factory=list)
    name: str
    item_type: str
    implementing_body: str
    entrusted_department: str = ""
    legal_basis: str
    acceptance_conditions: str
    service_objects: str = ""
    quantity_limit: str = ""
    statutory_limit: int
    statutory_unit: str = "workday"
    statutory_note: str = ""
    promised_limit: int
    promised_unit: str = "workday"
    promised_note: str = ""
    handling_type: str = "committed"
    is_joint: bool = False
    # 告知承诺制: the applicant may commit instead of missing materials; verified within these working days.
    commitment_eligible: bool = False
    verification_workdays: int = 20
    max_visits: int = 1
    visits_note: str = ""
    special_procedures: list[str] = field(default_factory=list)
    online_depth: int = 3
    result_type: str
    result_name: str = ""
    delivery_methods: list[str] = field(default_factory=list)
    place: str = ""
    hours: str = ""
    consultation: str = ""
    complaint: str = ""
    materials: list[MaterialSpec] = field(default_factory=list)
    fees: list[FeeSpec] = field(default_factory=list)
    stages: list[StageSpec] = field(default_factory=list)


@dataclass(kw_only=True)
class BundleItemSpec:
    """One item of a bundle, optionally only in some situation (情形)."""

    implementation_code: str
    situation: str = ""


@dataclass(kw_only=True)
class BundleSpec:
    """一件事: several items under one form and one deduplicated material set."""

    code: str
    name: str
    region: str
    life_event: str = ""
    description: str = ""
    lead_department: str
    items: list[BundleItemSpec] = field(default_factory=list)


@dataclass(kw_only=True)
class CatalogSpec:
    """A whole catalog file: items and bundles."""

    items: list[ItemSpec] = field(default_factory=list)
    bundles: list[BundleSpec] = field(default_factory=list)


# Fields of an item that live on ServiceItem (its identity), not on a version.
ITEM_IDENTITY_FIELDS = ("implementation_code", "basic_code", "region", "department", "windows")
# Lists of child records, stored in their own tables.
ITEM_CHILD_FIELDS = ("materials", "fees", "stages")


def version_fields() -> list[str]:
    """The ItemSpec fields stored on ServiceItemVersion itself."""
    skip = set(ITEM_IDENTITY_FIELDS) | set(ITEM_CHILD_FIELDS)
    return [f.name for f in dataclasses.fields(ItemSpec) if f.name not in skip]


def version_content(item: ItemSpec) -> dict[str, Any]:
    """What a version publishes: everything but the identity fields. Equal content, same version."""
    data = dataclasses.asdict(item)
    for name in ITEM_IDENTITY_FIELDS:
        data.pop(name)
    return data


# --- problems ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, where it is, an English code and a Chinese message.

    ``location`` is a path into the file (``items[3].materials[1].name``) or, for a workbook, a
    cell described in Chinese; ``sheet``, ``row``, ``column`` (letter) and ``header`` are set for
    workbooks.
    """

    location: str
    code: str
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    header: str | None = None

    def __str__(self) -> str:
        return f"{self.location or '（整个文件）'}：{self.message}"


@dataclass
class RawCatalog:
    """A catalog file as read: its data in the YAML shape, problems found while reading it, and
    how to turn a path into a location in the file (a workbook cell; a YAML path stays a path)."""

    data: Any
    problems: list[Problem] = field(default_factory=list)
    locate: Callable[[Problem], Problem] = lambda problem: problem


# --- field rules -------------------------------------------------------------------------------

TEXT, INT, OPTIONAL_INT, BOOL, ENUM, ENUM_LIST, TEXT_LIST = (
    "text", "int", "optional_int", "bool", "enum", "enum_list", "text_list")

SMALL_INT_MAX = 32767  # PositiveSmallIntegerField on every database
INT_MAX = 2147483647  # PositiveIntegerField


@dataclass(frozen=True)
class FieldRule:
    """What one field holds: its kind, the allowed values with their labels, and bounds."""

    kind: str = TEXT
    labels: Mapping[Any, str] | None = None
    minimum: int | None = None
    maximum: int | None = None


_COUNT = FieldRule(INT, minimum=0, maximum=SMALL_INT_MAX)
_LIMIT = FieldRule(INT, minimum=0, maximum=INT_MAX)

FIELD_RULES: dict[type, dict[str, FieldRule]] = {
    ItemSpec: {
        "windows": FieldRule(TEXT_LIST),
        "item_type": FieldRule(ENUM, ITEM_TYPE_LABELS),
        "statutory_limit": _LIMIT,
        "statutory_unit": FieldRule(ENUM, LIMIT_UNIT_LABELS),
        "promised_limit": _LIMIT,
        "promised_unit": FieldRule(ENUM, LIMIT_UNIT_LABELS),
        "handling_type": FieldRule(ENUM, HANDLING_TYPE_LABELS),
        "is_joint": FieldRule(BOOL),
        "commitment_eligible": FieldRule(BOOL),
        "verification_workdays": FieldRule(INT, minimum=1, maximum=60),
        "max_visits": _COUNT,
        "special_procedures": FieldRule(ENUM_LIST, SPECIAL_PROCEDURE_LABELS),
        "online_depth": FieldRule(ENUM, ONLINE_DEPTH_LABELS),
        "result_type": FieldRule(ENUM, RESULT_TYPE_LABELS),
        "delivery_methods": FieldRule(ENUM_LIST, DELIVERY_METHOD_LABELS),
    },
    MaterialSpec: {
        "required": FieldRule(BOOL),
        "form": FieldRule(ENUM, MATERIAL_FORM_LABELS),
        "copies": _COUNT,
        "source": FieldRule(ENUM, MATERIAL_SOURCE_LABELS),
        "provision": FieldRule(ENUM, MATERIAL_PROVISION_LABELS),
        "deferrable": FieldRule(BOOL),
    },
    FeeSpec: {
        "amount_fen": FieldRule(OPTIONAL_INT, minimum=0, maximum=INT_MAX),
        "waivable": FieldRule(BOOL),
    },
    StageSpec: {
        "role": FieldRule(ENUM, ROLE_LABELS),
        "budget_workdays": _COUNT,
        "parallel_group": FieldRule(OPTIONAL_INT, minimum=0, maximum=SMALL_INT_MAX),
        "requires_two_signatures": FieldRule(BOOL),
    },
    BundleItemSpec: {},
    BundleSpec: {},
}

# Lists of nested records, by the class holding them.
CHILDREN: dict[type, dict[str, type]] = {
    CatalogSpec: {"items": ItemSpec, "bundles": BundleSpec},
    ItemSpec: {"materials": MaterialSpec, "fees": FeeSpec, "stages": StageSpec},
    BundleSpec: {"items": BundleItemSpec},
}


def rule_for(cls: type, name: str) -> FieldRule:
    """The rule of one field; fields not listed are plain text."""
    return FIELD_RULES.get(cls, {}).get(name, FieldRule())


def is_required(cls: type, name: str) -> bool:
    """A field without a default (in the format: without a model default) must be given."""
    spec_field = next(f for f in dataclasses.fields(cls) if f.name == name)
    return spec_field.default is dataclasses.MISSING and spec_field.default_factory is dataclasses.MISSING


def scalar_fields(cls: type) -> list[str]:
    """The fields of ``cls`` that are not lists of nested records, in format order."""
    nested = CHILDREN.get(cls, {})
    return [f.name for f in dataclasses.fields(cls) if f.name not in nested]


# --- dict → spec -------------------------------------------------------------------------------


def parse_catalog_dict(data: Any) -> tuple[CatalogSpec, list[Problem]]:
    """Read a catalog in the YAML shape: the spec and every problem (shape, types, rules)."""
    spec, problems = build_spec(data)
    return spec, problems + validate(spec)


def build_spec(data: Any) -> tuple[CatalogSpec, list[Problem]]:
    """The spec as read, with the problems of its shape only (not a mapping, unknown keys).

    Values are kept as given (strings stripped); :func:`validate` checks their types and rules.
    """
    problems: list[Problem] = []
    if not isinstance(data, dict):
        return CatalogSpec(), [Problem("", "not_a_mapping", "文件内容应为一个映射（含 items、bundles）")]
    for key in data:
        if key not in ("format", "items", "bundles"):
            problems.append(Problem(str(key), "unknown_field", f"未知字段“{key}”"))
    declared = data.get("format", FORMAT)
    if declared != FORMAT:
        problems.append(Problem("format", "unsupported_format", f"不支持的格式“{declared}”，应为 {FORMAT}"))
    spec = _build_record(CatalogSpec, {k: v for k, v in data.items() if k != "format"}, "", problems)
    return spec, problems


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _build_record(cls: type, raw: Any, path: str, problems: list[Problem]) -> Any:
    """One dataclass from one mapping: missing optional keys take defaults, missing required
    ones are ``None`` (reported by :func:`validate`), nested lists are built recursively."""
    if not isinstance(raw, dict):
        problems.append(Problem(path, "not_a_mapping", "应为一个映射（键: 值）"))
        raw = {}
    known = {f.name for f in dataclasses.fields(cls)}
    for key in raw:
        if key not in known:
            problems.append(Problem(_join(path, str(key)), "unknown_field", f"未知字段“{key}”"))
    nested = CHILDREN.get(cls, {})
    values: dict[str, Any] = {}
    for spec_field in dataclasses.fields(cls):
        name = spec_field.name
        value = raw.get(name)
        if name in nested:
            values[name] = _build_list(nested[name], value, _join(path, name), problems)
        elif value is None:
            values[name] = _default(spec_field)
        else:
            values[name] = _clean(value)
    return cls(**values)


def _build_list(cls: type, raw: Any, path: str, problems: list[Problem]) -> list[Any]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append(Problem(path, "not_a_list", "应为一个列表"))
        return []
    return [_build_record(cls, entry, f"{path}[{i}]", problems) for i, entry in enumerate(raw)]


def _default(spec_field: dataclasses.Field) -> Any:
    if spec_field.default is not dataclasses.MISSING:
        return spec_field.default
    if spec_field.default_factory is not dataclasses.MISSING:
        return spec_field.default_factory()
    return None


def _clean(value: Any) -> Any:
    """Strip text (and text inside lists); a YAML block scalar's trailing newline means nothing."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return [v.strip() if isinstance(v, str) else v for v in value]
    return value


# --- validation --------------------------------------------------------------------------------


def validate(spec: CatalogSpec, *, known_items: Mapping[str, str] | None = None) -> list[Problem]:
    """Every rule of the format that needs no database, as a list of problems (empty: valid).

    ``known_items`` maps implementation codes already in the database to their region codes, so
    bundles may name items that the file does not carry; without it such items are not checked.
    """
    problems: list[Problem] = []
    for i, item in enumerate(spec.items):
        problems += validate_item(item, f"items[{i}]")
    problems += _duplicates([item.implementation_code for item in spec.items], "items", "implementation_code",
                            "duplicate_implementation_code", "实施编码“{}”重复出现")
    regions = dict(known_items or {})
    regions.update({item.implementation_code: item.region for item in spec.items
                    if isinstance(item.implementation_code, str)})
    for j, bundle in enumerate(spec.bundles):
        problems += validate_bundle(bundle, f"bundles[{j}]", regions, check_unknown=known_items is not None)
    problems += _duplicates([bundle.code for bundle in spec.bundles], "bundles", "code",
                            "duplicate_bundle_code", "一件事编码“{}”重复出现")
    return problems


def validate_item(item: ItemSpec, path: str) -> list[Problem]:
    """The rules of one item, its materials, fees and stages."""
    problems = check_fields(item, path)
    problems += _check_region_code(item.region, f"{path}.region")
    for name in ITEM_CHILD_FIELDS:
        for k, child in enumerate(getattr(item, name)):
            problems += check_fields(child, f"{path}.{name}[{k}]")
    problems += _duplicates(item.windows if isinstance(item.windows, list) else [], f"{path}.windows", None,
                            "duplicate_window", "窗口“{}”重复")
    problems += _duplicates([m.name for m in item.materials], f"{path}.materials", "name",
                            "duplicate_material_name", "材料名称“{}”在本事项中重复", key=normalize_material_name)
    problems += _limit_rules(item, path)
    problems += _joint_rules(item, path)
    problems += _critical_path_rule(item, path)
    return problems


def validate_bundle(bundle: BundleSpec, path: str, item_regions: Mapping[str, str], *,
                    check_unknown: bool) -> list[Problem]:
    """The rules of one bundle: fields, at least one item, no item twice, items in its region."""
    problems = check_fields(bundle, path)
    problems += _check_region_code(bundle.region, f"{path}.region")
    if not bundle.items:
        problems.append(Problem(f"{path}.items", "bundle_without_items", "一件事至少应包含一个事项"))
    for k, entry in enumerate(bundle.items):
        entry_path = f"{path}.items[{k}]"
        problems += check_fields(entry, entry_path)
        problems += _bundle_item_place(entry.implementation_code, bundle.region, item_regions,
                                       f"{entry_path}.implementation_code", check_unknown)
    problems += _duplicates([e.implementation_code for e in bundle.items], f"{path}.items", "implementation_code",
                            "duplicate_bundle_item", "事项“{}”在本一件事中重复")
    return problems


def _bundle_item_place(code: Any, bundle_region: Any, item_regions: Mapping[str, str], path: str,
                       check_unknown: bool) -> list[Problem]:
    if not isinstance(code, str) or not code:
        return []
    region = item_regions.get(code)
    if region is None:
        if not check_unknown:
            return []
        return [Problem(path, "unknown_item", f"事项“{code}”既不在本文件中，也不在系统中")]
    if _valid_region_code(region) and _valid_region_code(bundle_region) and not is_within(region, bundle_region):
        return [Problem(path, "item_outside_bundle_region",
                        f"事项“{code}”属于区划{region}，不在一件事的区划{bundle_region}内")]
    return []


def check_fields(record: Any, path: str) -> list[Problem]:
    """Required values present, and every value of the kind its rule says."""
    cls = type(record)
    problems: list[Problem] = []
    for name in scalar_fields(cls):
        value = getattr(record, name)
        where = f"{path}.{name}"
        if value is None or value == "":
            if is_required(cls, name):
                problems.append(_required_problem(cls, name, where))
            continue
        problem = check_value(rule_for(cls, name), value, where)
        if problem is not None:
            problems.append(problem)
    return problems


def _required_problem(cls: type, name: str, where: str) -> Problem:
    if cls is FeeSpec and name == "basis":
        # 行政许可法 第五十九条: fees only by law or administrative regulation, at published rates.
        return Problem(where, "fee_basis_required", "收费必须写明收费依据（行政许可法第五十九条）")
    return Problem(where, "required", "必填，不能为空")


def check_value(rule: FieldRule, value: Any, where: str) -> Problem | None:
    """The problem with one present value, or None."""
    checker = _CHECKERS[rule.kind]
    return checker(rule, value, where)


def _check_text(rule: FieldRule, value: Any, where: str) -> Problem | None:
    if not isinstance(value, str):
        return Problem(where, "invalid_type", f"应为文本（若是编码，请加引号），实际为“{value}”")
    return None


def _check_int(rule: FieldRule, value: Any, where: str) -> Problem | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return Problem(where, "invalid_type", f"应为整数，实际为“{value}”")
    if rule.minimum is not None and value < rule.minimum:
        return Problem(where, "out_of_range", f"不能小于{rule.minimum}，实际为{value}")
    if rule.maximum is not None and value > rule.maximum:
        return Problem(where, "out_of_range", f"不能大于{rule.maximum}，实际为{value}")
    return None


def _check_bool(rule: FieldRule, value: Any, where: str) -> Problem | None:
    if not isinstance(value, bool):
        return Problem(where, "invalid_type", f"应为“是”或“否”（true/false），实际为“{value}”")
    return None


def _check_enum(rule: FieldRule, value: Any, where: str) -> Problem | None:
    labels = rule.labels or {}
    hashable = isinstance(value, str | int) and not isinstance(value, bool)
    if hashable and value in labels and isinstance(value, type(_plain(next(iter(labels))))):
        return None
    allowed = "、".join(f"{_plain(k)}（{v}）" for k, v in labels.items())
    return Problem(where, "invalid_choice", f"“{value}”不是可选值，应为以下之一：{allowed}")


def _check_enum_list(rule: FieldRule, value: Any, where: str) -> Problem | None:
    if not isinstance(value, list):
        return Problem(where, "not_a_list", "应为一个列表")
    for k, entry in enumerate(value):
        problem = _check_enum(rule, entry, f"{where}[{k}]")
        if problem is not None:
            return problem
    return None


def _check_text_list(rule: FieldRule, value: Any, where: str) -> Problem | None:
    if not isinstance(value, list):
        return Problem(where, "not_a_list", "应为一个列表")
    for k, entry in enumerate(value):
        if not isinstance(entry, str) or not entry:
            return Problem(f"{where}[{k}]", "invalid_type", f"应为非空文本（请加引号），实际为“{entry}”")
    return None


_CHECKERS: dict[str, Callable[[FieldRule, Any, str], Problem | None]] = {
    TEXT: _check_text,
    INT: _check_int,
    OPTIONAL_INT: _check_int,
    BOOL: _check_bool,
    ENUM: _check_enum,
    ENUM_LIST: _check_enum_list,
    TEXT_LIST: _check_text_list,
}


def _plain(key: Any) -> Any:
    """An enum member as its plain value (``LimitUnit.WORKDAY`` → ``"workday"``)."""
    return key.value if hasattr(key, "value") else key


def _check_region_code(code: Any, where: str) -> list[Problem]:
    if not isinstance(code, str) or not code or _valid_region_code(code):
        return []
    return [Problem(where, "invalid_region_code", f"区划代码应为12位数字，实际为“{code}”")]


def _valid_region_code(code: Any) -> bool:
    if not isinstance(code, str):
        return False
    try:
        region_level(code)
    except InvalidRegionCode:
        return False
    return True


def _duplicates(values: list[Any], path: str, name: str | None, code: str, message: str,
                key: Callable[[str], str] = str) -> list[Problem]:
    """A problem at every repetition (not the first occurrence) of a value, compared by ``key``."""
    seen: set[str] = set()
    problems: list[Problem] = []
    for k, value in enumerate(values):
        if not isinstance(value, str) or not value:
            continue
        if key(value) in seen:
            where = f"{path}[{k}]" + (f".{name}" if name else "")
            problems.append(Problem(where, code, message.format(value)))
        seen.add(key(value))
    return problems


def _ints(*values: Any) -> bool:
    return all(isinstance(v, int) and not isinstance(v, bool) for v in values)


def _limit_rules(item: ItemSpec, path: str) -> list[Problem]:
    """Promised within statutory; instant items done the same day, committed ones take days."""
    problems: list[Problem] = []
    where = f"{path}.promised_limit"
    if not _ints(item.promised_limit, item.statutory_limit):
        return problems
    if item.promised_unit == item.statutory_unit and item.promised_limit > item.statutory_limit:
        problems.append(Problem(where, "promised_exceeds_statutory",
                                f"承诺时限{item.promised_limit}不得超过法定时限{item.statutory_limit}"))
    if item.handling_type == HandlingType.INSTANT and item.promised_limit != 0:
        problems.append(Problem(where, "instant_with_limit",
                                f"即办件当场办结，承诺时限应为0，实际为{item.promised_limit}"))
    if item.handling_type == HandlingType.COMMITTED and item.promised_limit < 1:
        problems.append(Problem(where, "committed_without_limit", "承诺件的承诺时限至少为1个工作日"))
    return problems


def _joint_rules(item: ItemSpec, path: str) -> list[Problem]:
    """联办件: departments work in parallel, within 45 working days (行政许可法 第四十二条)."""
    if item.is_joint is not True:
        return []
    problems: list[Problem] = []
    if _ints(item.statutory_limit) and item.statutory_limit > JOINT_STATUTORY_LIMIT:
        problems.append(Problem(f"{path}.statutory_limit", "joint_limit_too_long",
                                f"联办件法定时限不得超过{JOINT_STATUTORY_LIMIT}个工作日（行政许可法第四十二条），"
                                f"实际为{item.statutory_limit}"))
    departments_by_group: dict[Any, set[Any]] = {}
    for stage in item.stages:
        if _ints(stage.parallel_group) and isinstance(stage.department, str):
            departments_by_group.setdefault(stage.parallel_group, set()).add(stage.department)
    if not any(len(departments) >= 2 for departments in departments_by_group.values()):
        problems.append(Problem(f"{path}.is_joint", "joint_without_parallel_stages",
                                "联办件至少要有两个不同部门的环节在同一并联组中并联办理"))
    return problems


def _critical_path_rule(item: ItemSpec, path: str) -> list[Problem]:
    """A committed item's stages must fit in its promised limit."""
    if item.handling_type != HandlingType.COMMITTED or not _ints(item.promised_limit):
        return []
    steps = [(s.budget_workdays, s.parallel_group) for s in item.stages]
    if not all(_ints(budget) and (group is None or _ints(group)) for budget, group in steps):
        return []
    needed = critical_path_workdays(steps)
    if needed <= item.promised_limit:
        return []
    return [Problem(f"{path}.promised_limit", "stages_exceed_promised_limit",
                    f"各环节时限按关键路径合计{needed}个工作日，超过承诺时限{item.promised_limit}个工作日")]


_SPACES = re.compile(r"\s+")


def normalize_material_name(name: str) -> str:
    """A material's name for comparison: full-width folded (NFKC), no spaces, lower case."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", name)).lower()


# --- spec → dict -------------------------------------------------------------------------------


def spec_to_dict(spec: CatalogSpec) -> dict[str, Any]:
    """The catalog in the YAML shape, every field written out, ready for YAML or a workbook."""
    return {"format": FORMAT, **dataclasses.asdict(spec)}
