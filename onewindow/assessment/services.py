"""Every write of the assessment app: one function per action, one transaction, permission first."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import JSONField

from onewindow.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from onewindow.core.sequences import next_value
from onewindow.core.timesource import local_date, now
from onewindow.documents.content import center_name, footer
from onewindow.documents.models import DocumentNumberSequence
from onewindow.documents.numbering import issuer_short_name
from onewindow.lifecycle.chain import canonical
from onewindow.lifecycle.deadlines import DeadlineSpec, Kind
from onewindow.lifecycle.services import deadlines_write, event_append
from onewindow.organization.models import Posting, Region, Staff
from onewindow.organization.permissions import Action, reaches, require
from onewindow.organization.rules import Role
from onewindow.workdays.selectors import snapshot_for

from . import facts, reports
from .models import (
    Assessment,
    AssessmentEvent,
    Award,
    Correction,
    GradeBand,
    LineItem,
    Objection,
    Report,
    Scheme,
    SchemeAward,
    SchemeItem,
    Score,
)
from .rules import (
    AWARD_LABELS,
    AwardRule,
    Band,
    PeriodKind,
    SubjectKind,
    check_awards,
    check_bands,
    clamp,
    grade_for,
    last_closed_period,
    parse_period,
)
from .selectors import VIEWER_ROLES, decided_awards, scheme_in_force
from .subjects import ASSESSMENT_SUBJECT, departments_of, subjects_of

log = logging.getLogger("onewindow.assessment")

# 异议期: department heads object within this many working days of the draft.
OBJECTION_WORKDAYS = 5
CENT = Decimal("0.01")
# The columns' bounds (models.py): scores and points have 6 digits, 2 after the point.
AMOUNT_LIMIT = Decimal("10000")
NAME_MAX, LABEL_MAX, SAMPLE_MAX = 128, 128, 1_000_000
CODE_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")


def check_amount(value: Decimal, field: str, label: str) -> None:
    """Refuse a number the score columns cannot hold as typed: not finite, more than two decimals,
    or 10 000 and beyond (400 ``amount_invalid`` naming ``field``)."""
    if not value.is_finite() or value.as_tuple().exponent < -2 or abs(value) >= AMOUNT_LIMIT:
        raise DomainError("amount_invalid", f"{label}须为绝对值小于 10000、最多两位小数的数", field=field)


@dataclass(frozen=True)
class ItemSpec:
    code: str
    label: str
    points: Decimal
    source: str = ""  # a name in facts.py; empty for a manual item
    minimum_sample: int = 0
    shared_by_chief: bool = False


@transaction.atomic
def scheme_define(*, by: Staff, region: Region, name: str, period_kind: PeriodKind, subject_kind: SubjectKind,
                  effective_from: date, base: Decimal, cap: Decimal, items: list[ItemSpec],
                  bands: list[Band], awards: list[AwardRule] | None = None) -> Scheme:
    """Define a new version of a scheme. Nothing is written unless the whole scheme is sound:
    base within (0, cap], item codes unique, every automatic item's source known and of the same
    subject kind, grade bands that cover [0, cap] without overlap or gap, and award rules (流动红旗,
    红旗窗口, 服务标兵, 先进单位, 末位通报) the subject kind can have."""
    require(by, Action.ASSESSMENT_RUN, region=region)
    if not name.strip():
        raise DomainError("scheme_name_missing", "请填写方案名称", field="name")
    if len(name.strip()) > NAME_MAX:
        raise DomainError("scheme_name_too_long", f"方案名称不能超过 {NAME_MAX} 个字符", field="name")
    check_amount(base, "base", "基础分")
    check_amount(cap, "cap", "封顶分")
    if base <= 0 or cap < base:
        raise DomainError("scheme_base_cap", "基础分须大于 0 且不超过封顶分", field="cap")
    if not items:
        raise DomainError("items_missing", "方案至少需要一个考核项目（扣分或加分）", field="items")
    if len({i.code for i in items}) != len(items):
        raise DomainError("item_code_repeated", "考核项目代码重复", field="items")
    for item in items:
        if not CODE_RE.fullmatch(item.code):
            raise DomainError("item_code_invalid", f"考核项目代码“{item.code}”须为 1 至 32 位字母、数字、下划线或连字符",
                              field="items")
        if not item.label.strip() or len(item.label.strip()) > LABEL_MAX:
            raise DomainError("item_label_invalid", f"考核项目“{item.code}”的名称须为 1 至 {LABEL_MAX} 个字符",
                              field="items")
        check_amount(item.points, "items", f"考核项目“{item.label}”的分值")
        if item.points == 0:
            raise DomainError("item_points_zero", f"考核项目“{item.label}”的分值不能为 0", field="items")
        if item.minimum_sample > SAMPLE_MAX:
            raise DomainError("item_sample_invalid", f"考核项目“{item.label}”的最小样本不能超过 {SAMPLE_MAX}",
                              field="items")
        source = facts.get(item.source) if item.source else None
        if source is not None and source.subject_kind != subject_kind:
            raise DomainError("fact_source_subject", f"事实来源“{source.label}”不适用于该考核对象",
                              field="source")
        if item.minimum_sample < 0:
            raise DomainError("item_sample_invalid", f"考核项目“{item.label}”的最小样本不能为负数", field="items")
        if item.minimum_sample and (source is None or source.sample is None):
            # Only a rate-based fact has a sample (concluded cases, ratings); a count of lapses has none.
            raise DomainError("item_sample_unsupported", f"考核项目“{item.label}”不是比率类项目，不能设最小样本",
                              field="items")
        if item.shared_by_chief and (subject_kind != SubjectKind.WINDOW or item.points >= 0):
            raise DomainError("item_share_invalid", f"只有窗口考核的扣分项目可由首席代表连带（“{item.label}”）",
                              field="items")
    for band in bands:
        check_amount(band.low, "bands", "等次分数段下限")
        check_amount(band.high, "bands", "等次分数段上限")
    check_bands(bands, cap)
    awards = awards or []
    for award in awards:
        if award.threshold is not None:
            check_amount(award.threshold, "awards", f"“{AWARD_LABELS[award.kind]}”的分数线")
    check_awards(awards, subject_kind, cap)
    try:
        with transaction.atomic():
            scheme = Scheme.objects.create(region=region, name=name.strip(), period_kind=period_kind,
                                           subject_kind=subject_kind, effective_from=effective_from, base=base,
                                           cap=cap, created_by=by)
    except IntegrityError:
        raise Conflict("scheme_version_exists", "同一生效日期已有该方案的版本", field="effective_from") from None
    SchemeItem.objects.bulk_create(SchemeItem(scheme=scheme, code=i.code, label=i.label, source=i.source,
                                              points=i.points, minimum_sample=i.minimum_sample,
                                              shared_by_chief=i.shared_by_chief) for i in items)
    GradeBand.objects.bulk_create(GradeBand(scheme=scheme, grade=b.grade, low=b.low, high=b.high) for b in bands)
    SchemeAward.objects.bulk_create(SchemeAward(scheme=scheme, kind=a.kind, places=a.places, threshold=a.threshold)
                                    for a in awards)
    return scheme


@dataclass(frozen=True)
class ManualEntry:
    """A manual item's occurrences for one subject (inspection findings, commendations …)."""

    subject_id: int
    item_code: str
    count: int
    evidence: tuple[str, ...] = ()


@transaction.atomic
def assessment_score(*, by: Staff, region: Region, subject_kind: SubjectKind, period: str,
                     manual: list[ManualEntry] | None = None, at: datetime | None = None) -> Assessment:
    """Score every subject of ``subject_kind`` in ``region`` for ``period`` with the scheme in force
    on its last day: base plus, per item, occurrences × points, clamped to [0, cap], graded by the
    bands. Each line keeps its evidence. A period is scored once (409 ``period_already_scored``)."""
    require(by, Action.ASSESSMENT_RUN, region=region)
    return _score(actor=by, region=region, subject_kind=subject_kind, period=period, manual=manual, at=at)


# The period-end job scores window assessments before the staff's: a chief representative's shared
# deductions are read from the same period's window assessment.
JOB_ORDER = (SubjectKind.WINDOW, SubjectKind.DEPARTMENT, SubjectKind.TOWNSHIP, SubjectKind.STAFF)
JOB_ACTOR_LABEL = "系统（期末自动计分）"


def assessments_score_closed(*, at: datetime | None = None) -> list[Assessment]:
    """The period-end job (no person acts: the system, recorded as such): for every region, subject
    kind and period kind with a scheme in force for the latest closed period of that kind (the
    month, quarter or year that ended before today), score that period unless it is scored already.
    Idempotent — a period scored (by hand or by an earlier run, or by a runner beside this one) is
    skipped — and each period in its own transaction, so one that cannot be scored (no window
    assessment yet for the chiefs' shares …) is logged and tried again by the next run."""
    today = local_date(at)
    combos = set(Scheme.objects.values_list("region_id", "period_kind", "subject_kind").distinct())
    scored = []
    for region_id, period_kind, subject_kind in sorted(combos, key=lambda c: (c[0], c[1],
                                                                               JOB_ORDER.index(SubjectKind(c[2])))):
        period = last_closed_period(PeriodKind(period_kind), today)
        _, _, last = parse_period(period)
        if Assessment.objects.filter(region_id=region_id, subject_kind=subject_kind, period=period).exists():
            continue
        if not Scheme.objects.filter(region_id=region_id, period_kind=period_kind, subject_kind=subject_kind,
                                     effective_from__lte=last).exists():
            continue
        region = Region.objects.get(pk=region_id)
        try:
            with transaction.atomic():
                scored.append(_score(actor=None, region=region, subject_kind=SubjectKind(subject_kind),
                                     period=period, manual=None, at=at))
        except Conflict:
            continue  # another runner scored it between the check and the insert
        except DomainError as exc:
            log.warning("assessment: %s %s %s not scored: %s (%s)", region.code, period, subject_kind, exc.message,
                        exc.code)
    return scored


def _score(*, actor: Staff | None, region: Region, subject_kind: SubjectKind, period: str,
           manual: list[ManualEntry] | None, at: datetime | None) -> Assessment:
    kind, first, last = parse_period(period)
    scheme = scheme_in_force(region=region, period_kind=kind, subject_kind=subject_kind, on=last)
    items = list(scheme.items.all())
    bands = scheme.bands_list()
    subjects = subjects_of(subject_kind, region)
    known = {sid for sid, _ in subjects}
    per_item: dict[int, dict[int, tuple[int, list[dict[str, str]]]]] = {}
    weights: dict[int, dict[int, Decimal]] = {}
    samples: dict[int, dict[int, int]] = {}
    sample_of: dict[str, dict[int, int]] = {}
    window = facts.Period(first, last)
    for item in items:
        if item.source:
            source = facts.get(item.source)
            if item.minimum_sample and source.together is not None:
                # The occurrences and their sample from one read (one scan of the month's cases).
                found, sample_of[item.source] = source.together(window, region)
            else:
                found = source.function(window, region)
            per_item[item.id] = {o.subject_id: (o.count, [{"label": e.label, "url": e.url} for e in o.evidence])
                                 for o in found}
            weights[item.id] = {o.subject_id: o.weight for o in found if o.weight is not None}
            if item.minimum_sample and source.sample is not None:
                # Two items on one source (rectified and unrectified bad ratings) share its sample.
                if item.source not in sample_of:
                    sample_of[item.source] = source.sample(window, region)
                samples[item.id] = sample_of[item.source]
    by_code = {i.code: i for i in items}
    for entry in manual or []:
        item = by_code.get(entry.item_code)
        if item is None or not item.is_manual:
            raise DomainError("manual_item_unknown", f"“{entry.item_code}”不是本方案的人工录入项目", field="manual")
        if entry.subject_id not in known:
            raise DomainError("manual_subject_unknown", "人工录入的考核对象不在本次考核范围内", field="manual")
        if entry.count <= 0:
            raise DomainError("manual_count_invalid", "人工录入的次数须为正数", field="manual")
        count, evidence = per_item.setdefault(item.id, {}).get(entry.subject_id, (0, []))
        per_item[item.id][entry.subject_id] = (count + entry.count,
                                               evidence + [{"label": label, "url": ""} for label in entry.evidence])
    today = local_date(at)
    objection_due = snapshot_for(region.code).add_workdays(today, OBJECTION_WORKDAYS)
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(region=region, scheme=scheme, subject_kind=subject_kind,
                                                   period=period, first_day=first, last_day=last, scored_by=actor,
                                                   objection_due=objection_due)
    except IntegrityError:
        raise Conflict("period_already_scored", f"{region.name}{period}的该类考核已计分，不能重复计分",
                       field="period") from None
    # Set-based writes: every score in one bulk insert, then every line (a province's month is
    # 20 000 subjects; a row at a time would cost more than reading all the facts). The rows are
    # column values, not model instances: making 40 000 instances only to read them back cost a
    # third of a second of a province's scoring.
    scores: list[dict[str, Any]] = []
    lines_of: list[list[dict[str, Any]]] = []
    for subject_id, name in subjects:
        lines = []
        for item in items:
            count, evidence = per_item.get(item.id, {}).get(subject_id, (0, []))
            line = {"item_id": item.id, "count": count, "points": item.points, "evidence": evidence}
            if item.id in samples:
                sample = line["sample"] = samples[item.id].get(subject_id, 0)
                if sample < item.minimum_sample:
                    # 样本不足: the line stays, marked, so the subject's sheet says why the item is skipped.
                    lines.append({**line, "amount": Decimal(0), "below_sample": True})
                    continue
            if count:
                weight = weights.get(item.id, {}).get(subject_id, Decimal(count))
                lines.append({**line, "amount": (item.points * weight).quantize(CENT, ROUND_HALF_UP)})
        total = clamp(scheme.base + sum((line["amount"] for line in lines), Decimal(0)), scheme.cap)
        scores.append({"assessment_id": assessment.pk, "subject_id": subject_id, "subject_name": name,
                       "base": scheme.base, "total": total, "grade": grade_for(total, bands)})
        lines_of.append(lines)
    score_ids = _insert(Score, scores, ids=True)
    _insert(LineItem, [{**line, "score_id": score_id} for score_id, lines in zip(score_ids, lines_of, strict=True)
                       for line in lines])
    _record(assessment, "scored", actor, f"按方案“{scheme}”计分", {"subjects": len(subjects)}, previous=None)
    deadlines_write(subject_type=ASSESSMENT_SUBJECT, subject_id=assessment.pk, region_id=region.pk,
                    specs=[_objection_deadline(assessment)])
    return assessment


def _insert(model: type[Score] | type[LineItem], rows: list[dict[str, Any]], *, ids: bool = False) -> list[int]:
    """Insert a scoring's scores or line items (column values by attribute name; a column left out
    takes its field's default); the new ids when ``ids``. On PostgreSQL with ``COPY`` (ids taken
    from the table's sequence first): a province's month is 20 000 scores and a hundred thousand
    evidence entries, and the ORM's bulk insert spends most of its time preparing each value and
    quoting the JSON into arrays (as the feedback import found for work orders). Elsewhere
    ``bulk_create``."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        made = model.objects.bulk_create([model(**row) for row in rows], batch_size=1000)
        return [m.pk for m in made] if ids else []
    meta = model._meta
    quote = connection.ops.quote_name
    pks: list[int] = []
    with connection.cursor() as cursor:
        if ids:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                           [meta.db_table, len(rows)])
            pks = [pk for (pk,) in cursor.fetchall()]
        fields = [f for f in meta.concrete_fields if not f.primary_key]
        columns = [f.attname for f in fields]
        defaults = {f.attname: f.get_default() for f in fields}
        json_fields = {f.attname for f in fields if isinstance(f, JSONField)}
        statement = (f"COPY {quote(meta.db_table)} ({', '.join(quote(f.column) for f in ([meta.pk] if ids else []) + fields)}) "
                     "FROM STDIN")
        with cursor.cursor.copy(statement) as copy:
            for n, row in enumerate(rows):
                values = [json.dumps(row.get(name, defaults[name]), ensure_ascii=False) if name in json_fields
                          else row.get(name, defaults[name]) for name in columns]
                copy.write_row([pks[n], *values] if ids else values)
    return pks


def _objection_deadline(assessment: Assessment) -> DeadlineSpec:
    spec = DeadlineSpec(kind=Kind.REPLY, due_on=assessment.objection_due, key="objection", title="考核异议期限")
    if assessment.state == Assessment.State.PUBLISHED:
        return spec.closed("考核已发布")
    return spec


def _record(assessment: Assessment, kind: str, by: Staff | None, note: str, payload: dict,
            previous: AssessmentEvent | None | bool = True) -> None:
    if previous is True:
        previous = assessment.events.order_by("-seq").first()
    event_append(AssessmentEvent(assessment=assessment, kind=kind, at=now(), actor=by,
                                 actor_label=by.name if by is not None else JOB_ACTOR_LABEL, note=note,
                                 payload=payload),
                 subject_label=assessment.label, previous=previous or None)


def _locked_draft(assessment_id: int) -> Assessment:
    assessment = Assessment.objects.select_for_update().select_related("region").filter(pk=assessment_id).first()
    if assessment is None:
        raise NotFound("考核不存在", code="assessment_not_found", field="assessment")
    if assessment.state == Assessment.State.PUBLISHED:
        raise Conflict("assessment_published", "考核已发布，不能再修改；如需更正请另行建立更正记录",
                       field="assessment")
    return assessment


def _rescore(score: Score, assessment: Assessment) -> None:
    scheme = assessment.scheme
    amounts = [line.amount for line in score.lines.all() if not line.struck]
    score.total = clamp(scheme.base + sum(amounts, Decimal(0)), scheme.cap)
    score.grade = grade_for(score.total, scheme.bands_list())
    score.save(update_fields=["total", "grade"])


@transaction.atomic
def manual_enter(*, by: Staff, assessment_id: int, subject_id: int, item_code: str, count: int, evidence: str,
                 at: datetime | None = None) -> LineItem:
    """Enter occurrences of a manual item (an inspection finding, a commendation …) for one subject
    of a draft — how manual items reach an assessment the period-end job scored. Only until the
    objection deadline, so the department can still object to the line; the score is recomputed."""
    assessment = _locked_draft(assessment_id)
    require(by, Action.ASSESSMENT_RUN, region=assessment.region)
    if local_date(at) > assessment.objection_due:
        raise DomainError("manual_after_deadline", f"异议期限已于{assessment.objection_due}届满，不能再录入（部门将无法提出异议）",
                          field="assessment")
    item = assessment.scheme.items.filter(code=item_code).first()
    if item is None or not item.is_manual:
        raise DomainError("manual_item_unknown", f"“{item_code}”不是本方案的人工录入项目", field="item")
    score = assessment.scores.filter(subject_id=subject_id).first()
    if score is None:
        raise DomainError("manual_subject_unknown", "人工录入的考核对象不在本次考核范围内", field="subject")
    if not 0 < count <= 1000:
        raise DomainError("manual_count_invalid", "人工录入的次数须为 1 至 1000 的整数", field="count")
    label = evidence.strip()
    if not label or len(label) > 200:
        raise DomainError("manual_evidence_invalid", "请填写依据（如督查记录、表扬信），不超过 200 字", field="evidence")
    line = score.lines.filter(item=item, struck=False).first()
    if line is None:
        line = LineItem(score=score, item=item, count=0, points=item.points, amount=Decimal(0), evidence=[])
    line.count += count
    line.amount = (item.points * line.count).quantize(CENT, ROUND_HALF_UP)
    line.evidence = [*line.evidence, {"label": label, "url": ""}]
    line.save()
    _rescore(score, assessment)
    _record(assessment, "manual_entered", by, label, {"subject": score.subject_name, "item": item.code,
                                                      "count": count, "line": line.pk})
    return line


@transaction.atomic
def objection_raise(*, by: Staff, line_id: int, reason: str, at: datetime | None = None) -> Objection:
    """A head (首席代表) of the subject's department objects to one line item, on or before the
    objection deadline; one pending objection per line."""
    line = LineItem.objects.select_related("score").filter(pk=line_id).first()
    if line is None:
        raise NotFound("考核明细不存在", code="line_not_found", field="line")
    assessment = _locked_draft(line.score.assessment_id)
    if not reason.strip():
        raise DomainError("objection_reason_missing", "请填写异议理由", field="reason")
    today = local_date(at)
    if today > assessment.objection_due:
        raise DomainError("objection_after_deadline", f"异议期限已于{assessment.objection_due}届满", field="line")
    departments = departments_of(SubjectKind(assessment.subject_kind), line.score.subject_id)
    department_id = (Posting.objects.filter(staff=by, role=Role.CHIEF_REPRESENTATIVE, region=assessment.region,
                                            department_id__in=departments)
                     .values_list("department_id", flat=True).first())
    if department_id is None:
        raise PermissionDenied("只有考核对象所属部门的首席代表可以提出异议", code="objection_outside_department")
    if line.objections.filter(state=Objection.State.PENDING).exists():
        raise Conflict("objection_pending", "该明细已有待处理的异议", field="line")
    objection = Objection.objects.create(line=line, department_id=department_id, reason=reason.strip(),
                                         raised_by=by, raised_at=now())
    _record(assessment, "objected", by, reason.strip(), {"objection": objection.pk, "line": line.pk,
                                                          "subject": line.score.subject_name})
    return objection


@transaction.atomic
def objection_decide(*, by: Staff, objection_id: int, accept: bool, reason: str) -> Objection:
    """The center administrator accepts (the line is struck, the score recomputed) or rejects an
    objection, always with a reason."""
    objection = Objection.objects.select_related("line__score").filter(pk=objection_id).first()
    if objection is None:
        raise NotFound("异议不存在", code="objection_not_found", field="objection")
    assessment = _locked_draft(objection.line.score.assessment_id)
    require(by, Action.ASSESSMENT_RUN, region=assessment.region)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.state != Objection.State.PENDING:
        raise Conflict("objection_decided", "该异议已处理，请刷新后查看", field="objection")
    if not reason.strip():
        raise DomainError("decision_reason_missing", "请填写处理理由", field="reason")
    objection.state = Objection.State.ACCEPTED if accept else Objection.State.REJECTED
    objection.decision_reason, objection.decided_by, objection.decided_at = reason.strip(), by, now()
    objection.save()
    if accept:
        line = objection.line
        line.struck = True
        line.save(update_fields=["struck"])
        _rescore(line.score, assessment)
    _record(assessment, "accepted" if accept else "rejected", by, reason.strip(), {"objection": objection.pk})
    return objection


@transaction.atomic
def assessment_publish(*, by: Staff, assessment_id: int) -> Assessment:
    """Publish and freeze: refused while an objection is pending; closes the objection deadline."""
    assessment = _locked_draft(assessment_id)
    require(by, Action.ASSESSMENT_RUN, region=assessment.region)
    if Objection.objects.filter(line__score__assessment=assessment, state=Objection.State.PENDING).exists():
        raise DomainError("objections_pending", "尚有待处理的异议，处理完毕后才能发布", field="assessment")
    assessment.state = Assessment.State.PUBLISHED
    assessment.published_at = now()
    assessment.save(update_fields=["state", "published_at"])
    awards = Award.objects.bulk_create(
        Award(assessment=assessment, kind=kind, subject_id=r.score.subject_id, subject_name=r.score.subject_name,
              rank=r.rank, total=r.score.total) for kind, r in decided_awards(assessment))
    _record(assessment, "published", by, "考核结果发布", {
        "awards": [{"kind": a.kind, "subject": a.subject_name, "rank": a.rank, "total": str(a.total)} for a in awards]})
    deadlines_write(subject_type=ASSESSMENT_SUBJECT, subject_id=assessment.pk, region_id=assessment.region_id,
                    specs=[_objection_deadline(assessment)])
    return assessment


@transaction.atomic
def correction_make(*, by: Staff, assessment_id: int, reason: str, line_id: int | None = None,
                    subject_id: int | None = None, item_code: str = "", count: int = 0,
                    evidence: str = "") -> Correction:
    """更正 a published assessment without changing it: a new, numbered record linked to it that
    strikes one line (``line_id``) or adds occurrences of a manual item for one subject
    (``subject_id``, ``item_code``, ``count``, ``evidence``), with the reason, the subject's total
    and grade before and after (computed from the base, its lines not struck by an objection or an
    earlier correction, and earlier corrections' additions), and a ``corrected`` event chained. The
    published scores, lines and awards stay as published."""
    assessment = Assessment.objects.select_for_update().select_related("region", "scheme").filter(
        pk=assessment_id).first()
    if assessment is None:
        raise NotFound("考核不存在", code="assessment_not_found", field="assessment")
    require(by, Action.ASSESSMENT_RUN, region=assessment.region)
    if assessment.state != Assessment.State.PUBLISHED:
        raise Conflict("assessment_not_published", "考核尚未发布：草稿请通过异议处理或人工录入调整，无需更正",
                       field="assessment")
    reason = reason.strip()
    if not reason or len(reason) > 2000:
        raise DomainError("correction_reason_invalid", "请填写更正理由（不超过 2000 字）", field="reason")
    if (line_id is None) == (subject_id is None):
        raise DomainError("correction_target_invalid", "一次更正须撤销一条明细，或为一个考核对象补录人工项目（二者选一）",
                          field="line")
    line = item = None
    if line_id is not None:
        line = LineItem.objects.select_related("score", "item").filter(pk=line_id,
                                                                        score__assessment=assessment).first()
        if line is None:
            raise NotFound("考核明细不存在", code="line_not_found", field="line")
        if line.struck or line.corrections.exists():
            raise Conflict("line_already_struck", "该明细已因异议或更正撤销", field="line")
        score = line.score
        amount = -line.amount
    else:
        score = assessment.scores.filter(subject_id=subject_id).first()
        if score is None:
            raise DomainError("manual_subject_unknown", "补录的考核对象不在本次考核范围内", field="subject")
        item = assessment.scheme.items.filter(code=item_code).first()
        if item is None or not item.is_manual:
            raise DomainError("manual_item_unknown", f"“{item_code}”不是本方案的人工录入项目", field="item")
        if not 0 < count <= 1000:
            raise DomainError("manual_count_invalid", "补录的次数须为 1 至 1000 的整数", field="count")
        if not evidence.strip() or len(evidence.strip()) > 200:
            raise DomainError("manual_evidence_invalid", "请填写依据，不超过 200 字", field="evidence")
        amount = (item.points * count).quantize(CENT, ROUND_HALF_UP)
    earlier = list(score.corrections.order_by("number"))
    previous_total = earlier[-1].total if earlier else score.total
    previous_grade = earlier[-1].grade if earlier else score.grade
    struck = {c.line_id for c in earlier if c.line_id} | ({line.pk} if line is not None else set())
    kept = [x.amount for x in score.lines.all() if not x.struck and x.pk not in struck]
    added = [c.amount for c in earlier if c.item_id] + ([amount] if item is not None else [])
    scheme = assessment.scheme
    total = clamp(scheme.base + sum(kept, Decimal(0)) + sum(added, Decimal(0)), scheme.cap)
    number = (assessment.corrections.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    correction = Correction.objects.create(
        assessment=assessment, number=number, score=score, line=line, item=item, count=count if item else 0,
        evidence=[{"label": evidence.strip(), "url": ""}] if item else [], amount=amount,
        previous_total=previous_total, previous_grade=previous_grade, total=total,
        grade=grade_for(total, scheme.bands_list()), reason=reason, corrected_by=by, corrected_at=now())
    what = (f"撤销“{line.item.label} ×{line.count} {line.amount}”" if line is not None
            else f"补录“{item.label if item else ''} ×{count} {amount}”")
    _record(assessment, "corrected", by, reason, {
        "correction": number, "subject": score.subject_name, "what": what, "amount": str(amount),
        "previous_total": str(previous_total), "total": str(total), "grade": correction.grade})
    return correction


REPORT_MARK = "考"  # 考核报告: the mark after the issuer's short name, as 受 marks an acceptance notice


@transaction.atomic
def report_issue(*, by: Staff, region: Region, kind: str, subject_kind: SubjectKind, period: str,
                 subject_id: int | None = None, at: datetime | None = None) -> Report:
    """Issue (or find) the numbered report of a published assessment (``kind`` ``period``) or of a
    year's published monthly assessments (``annual``), for the center or one subject. Whoever may
    read the region's assessments may issue it. The figures are frozen with a number like a
    notice's (``云溪考〔2026〕000001号``, the documents' sequence of the issuer and mark); the same
    figures asked again give the same report, changed figures (a correction, a new month) a new one."""
    if not any(r.role in VIEWER_ROLES and r.covers(region.code, None) for r in reaches(by)):
        raise PermissionDenied(f"您没有查看{region.name}考核结果的权限", code="forbidden.assessment.report")
    figures, assessment = reports.basis(region, kind, subject_kind, period, subject_id)
    basis_sha256 = hashlib.sha256(canonical(figures)).hexdigest()
    scope = f"{kind}:{subject_kind}:{period}:{subject_id if subject_id is not None else 'center'}"
    found = Report.objects.filter(region=region, scope=scope, basis_sha256=basis_sha256).first()
    if found is not None:
        return found
    moment = at or now()
    year = local_date(moment).year
    short = issuer_short_name(region.name, region.level)
    seq = next_value(DocumentNumberSequence, {"scope": f"doc:{short}{REPORT_MARK}", "year": year})
    number = f"{short}{REPORT_MARK}〔{year}〕{seq:06d}号"
    content = reports.with_charts(figures | {
        "number": number, "issuer": {"center": center_name(region)}, "issued_on": local_date(moment).isoformat(),
        "footer": footer()})
    return Report.objects.create(region=region, kind=kind, subject_kind=subject_kind, period=period,
                                 subject_id=subject_id, assessment=assessment, scope=scope, number=number,
                                 content=content, content_sha256=hashlib.sha256(canonical(content)).hexdigest(),
                                 basis_sha256=basis_sha256, issued_by=by, issued_at=moment)
