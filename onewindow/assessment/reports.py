"""What an assessment report says: the monthly (period) report of one published assessment and the
annual report of a year's published monthly assessments, for the whole center or one subject.

Reads only. :func:`basis` gathers the figures — the ranking as corrected, grades, awards and the
bottom list, the distribution of deductions by item, the trend over the periods, objections and
corrections — as JSON-ready values; the service freezes them, with the number, the charts and the
issue date, into ``Report.content`` (:func:`with_charts`), and the PDF, the page and the workbook
are drawn from that content alone.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from onewindow.core.errors import Conflict, DomainError, NotFound
from onewindow.documents.render import render_pdf
from onewindow.lifecycle.chain import canonical
from onewindow.organization.models import Region

from . import charts
from .models import Assessment, Objection
from .rules import (
    AWARD_LABELS,
    GRADE_LABELS,
    SUBJECT_LABELS,
    AwardKind,
    Grade,
    PeriodKind,
    SubjectKind,
    parse_period,
    ranks_with_ties,
)
from .selectors import RankedScore, awards_of, ranked_scores

PERIOD, ANNUAL = "period", "annual"
REPORT_KINDS = {PERIOD: "月度（期间）考核报告", ANNUAL: "年度考核报告"}
TREND_PERIODS = 12
CENT = Decimal("0.01")


def period_label(period: str) -> str:
    """``2026-11`` → 2026年11月, ``2026-Q4`` → 2026年第四季度, ``2026`` → 2026年."""
    kind, first, _ = parse_period(period)
    if kind == PeriodKind.MONTH:
        return f"{first.year}年{first.month}月"
    if kind == PeriodKind.QUARTER:
        return f"{first.year}年第{'一二三四'[(first.month - 1) // 3]}季度"
    return f"{first.year}年"


def _money(value: Decimal) -> str:
    return str(value.quantize(CENT, ROUND_HALF_UP))


def _mean(values: list[Decimal]) -> Decimal | None:
    return (sum(values, Decimal(0)) / len(values)).quantize(CENT, ROUND_HALF_UP) if values else None


@dataclass(frozen=True)
class CurrentLine:
    """A line as it stands now: struck by an accepted objection or a correction, or added by one."""

    label: str
    count: int
    points: Decimal
    amount: Decimal
    struck: bool
    evidence: list[dict[str, str]]
    note: str = ""


def current_lines(r: RankedScore) -> list[CurrentLine]:
    """The score's lines, with what corrections struck marked and what they added appended."""
    struck_by = {c.line_id: c.number for c in r.corrections if c.line_id}
    out = []
    for line in r.lines:
        note = "因异议撤销" if line.struck else (f"更正第{struck_by[line.pk]}号撤销" if line.pk in struck_by else "")
        if line.below_sample:
            note = f"样本不足（{line.sample} < {line.item.minimum_sample}），不计分"
        out.append(CurrentLine(line.item.label, line.count, line.points, line.amount,
                               line.struck or line.pk in struck_by, list(line.evidence), note))
    for c in r.corrections:
        if c.item_id is not None:
            out.append(CurrentLine(c.item.label, c.count, c.item.points, c.amount, False, list(c.evidence),
                                   f"更正第{c.number}号补录"))
    return out


def _deductions(scores: list[RankedScore]) -> list[dict[str, Any]]:
    """Per item, the occurrences and the points deducted over ``scores`` (lines as they stand now)."""
    counts: Counter[str] = Counter()
    points: defaultdict[str, Decimal] = defaultdict(Decimal)
    for r in scores:
        for line in current_lines(r):
            if not line.struck and line.amount < 0:
                counts[line.label] += line.count
                points[line.label] += -line.amount
    return [{"label": label, "count": counts[label], "points": _money(points[label])}
            for label in sorted(points, key=lambda k: (-points[k], k))]


def _grades(totals: list[tuple[str, str]]) -> list[dict[str, Any]]:
    found = Counter(grade for _, grade in totals)
    return [{"grade": GRADE_LABELS[g], "count": found.get(g.value, 0)} for g in Grade]


def _published(region: Region, subject_kind: str, period_kind: PeriodKind) -> Any:
    return (Assessment.objects.filter(region=region, subject_kind=subject_kind, scheme__period_kind=period_kind,
                                      state=Assessment.State.PUBLISHED)
            .select_related("region", "scheme").order_by("last_day"))


def _ranking(ranked: list[RankedScore]) -> list[dict[str, Any]]:
    return [{"rank": r.rank, "subject_id": r.score.subject_id, "name": r.score.subject_name, "total": _money(r.total),
             "published_total": _money(r.score.total), "grade": GRADE_LABELS[Grade(r.grade)],
             "small": r.below_sample, "corrected": r.correction is not None} for r in ranked]


def _awards(assessment: Assessment, subject_id: int | None) -> list[dict[str, Any]]:
    return [{"label": a.label, "kind": a.kind, "name": a.subject_name, "rank": a.rank, "total": _money(a.total)}
            for a in awards_of(assessment) if subject_id is None or a.subject_id == subject_id]


def _corrections(assessment: Assessment, subject_id: int | None) -> list[dict[str, Any]]:
    rows = assessment.corrections.select_related("score", "line__item", "item").order_by("number")
    return [{"number": c.number, "name": c.score.subject_name,
             "what": (f"撤销“{c.line.item.label} ×{c.line.count}”" if c.line_id else f"补录“{c.item.label} ×{c.count}”"),
             "amount": _money(c.amount), "before": _money(c.previous_total), "after": _money(c.total),
             "grade": GRADE_LABELS[Grade(c.grade)], "reason": c.reason, "on": c.corrected_at.date().isoformat()}
            for c in rows if subject_id is None or c.score.subject_id == subject_id]


def _head(region: Region, subject_kind: str, period: str, kind: str, subject: dict[str, Any] | None) -> dict[str, Any]:
    label = SUBJECT_LABELS[SubjectKind(subject_kind)]
    who = f"{subject['name']}" if subject else f"{region.name}{label}"
    return {"kind": "assessment_report", "report_kind": kind, "region": region.name, "region_code": region.code,
            "subject_kind": subject_kind, "subject_label": label, "period": period, "period_label": period_label(period),
            "subject": subject,
            "title": f"{who}{period}年度考核报告" if kind == ANNUAL else f"{who}{period_label(period)}考核报告"}


def period_basis(assessment: Assessment, subject_id: int | None = None) -> dict[str, Any]:
    """The monthly (period) report of a published assessment: the center's, or one subject's."""
    ranked = ranked_scores(assessment, corrected=True)
    mine = None
    if subject_id is not None:
        mine = next((r for r in ranked if r.score.subject_id == subject_id), None)
        if mine is None:
            raise NotFound("该考核对象不在本次考核中", code="report_subject_unknown", field="subject")
    history = list(_published(assessment.region, assessment.subject_kind, PeriodKind(assessment.scheme.period_kind))
                   .filter(last_day__lte=assessment.last_day))[-TREND_PERIODS:]
    labels, means, own = [], [], []
    for a in history:
        rows = ranked_scores(a, corrected=True) if a.pk != assessment.pk else ranked
        labels.append(a.period)
        means.append(_mean([r.total for r in rows]))
        if mine is not None:
            own.append(next((r.total for r in rows if r.score.subject_id == subject_id), None))
    objections = Counter(Objection.objects.filter(line__score__assessment=assessment).values_list("state", flat=True))
    totals = [r.total for r in ranked]
    subject = {"id": subject_id, "name": mine.score.subject_name} if mine is not None else None
    basis = _head(assessment.region, assessment.subject_kind, assessment.period, PERIOD, subject) | {
        "scheme": str(assessment.scheme), "base": _money(assessment.scheme.base), "cap": _money(assessment.scheme.cap),
        "published_on": assessment.published_at.date().isoformat() if assessment.published_at else None,
        "subjects": len(ranked), "mean": _money(_mean(totals)) if totals else None,
        "highest": _money(max(totals)) if totals else None, "lowest": _money(min(totals)) if totals else None,
        "grades": _grades([(r.score.subject_name, r.grade) for r in ranked]),
        "small": sum(1 for r in ranked if r.below_sample),
        "awards": _awards(assessment, subject_id),
        "corrections": _corrections(assessment, subject_id),
        "objections": {"raised": sum(objections.values()), "accepted": objections.get(Objection.State.ACCEPTED, 0),
                       "rejected": objections.get(Objection.State.REJECTED, 0)},
        "trend": {"labels": labels, "series": ([{"name": subject["name"], "values": [_str(v) for v in own]}]
                                               if subject else [])
                  + [{"name": "全体平均", "values": [_str(v) for v in means]}]},
    }
    if mine is None:
        basis["ranking"] = _ranking(ranked)
        basis["deductions"] = _deductions(ranked)
    else:
        basis["standing"] = _ranking([mine])[0]
        basis["lines"] = [{"label": x.label, "count": x.count, "points": _money(x.points), "amount": _money(x.amount),
                           "struck": x.struck, "note": x.note, "evidence": [e.get("label", "") for e in x.evidence]}
                          for x in current_lines(mine)]
        basis["deductions"] = _deductions([mine])
    return basis


def _str(value: Decimal | None) -> str | None:
    return None if value is None else _money(value)


def annual_basis(region: Region, subject_kind: SubjectKind, year: int, subject_id: int | None = None) -> dict[str, Any]:
    """The annual report: the year's published monthly assessments of ``subject_kind`` in ``region``
    — each subject's months, mean total (as corrected), awards and places on the bottom list, the
    year's deductions by item, the trend month by month; or one subject's year."""
    months = list(_published(region, subject_kind, PeriodKind.MONTH).filter(last_day__year=year))
    if not months:
        raise NotFound(f"{region.name}{year}年没有已发布的{SUBJECT_LABELS[subject_kind]}月度考核",
                       code="report_nothing_published", field="period")
    per_month = [(a, ranked_scores(a, corrected=True)) for a in months]
    names: dict[int, str] = {}
    totals: defaultdict[int, list[Decimal]] = defaultdict(list)
    awards: defaultdict[int, Counter[str]] = defaultdict(Counter)
    every: list[RankedScore] = []
    for a, ranked in per_month:
        for r in ranked:
            names[r.score.subject_id] = r.score.subject_name
            totals[r.score.subject_id].append(r.total)
        for award in awards_of(a):
            awards[award.subject_id][award.kind] += 1
        every.extend(r for r in ranked if subject_id is None or r.score.subject_id == subject_id)
    if subject_id is not None and subject_id not in names:
        raise NotFound("该考核对象不在本年度的考核中", code="report_subject_unknown", field="subject")
    means = {sid: _mean(v) for sid, v in totals.items()}
    order = sorted(means, key=lambda sid: (-(means[sid] or 0), names[sid]))
    ranks = dict(zip(order, ranks_with_ties([means[sid] or Decimal(0) for sid in order]), strict=True))
    subject = {"id": subject_id, "name": names[subject_id]} if subject_id is not None else None
    labels = [a.period for a, _ in per_month]
    center = [_str(_mean([r.total for r in ranked])) for _, ranked in per_month]
    basis = _head(region, subject_kind, str(year), ANNUAL, subject) | {
        "months": [{"period": a.period, "scheme": str(a.scheme), "subjects": len(ranked),
                    "mean": _str(_mean([r.total for r in ranked]))} for a, ranked in per_month],
        "subjects": len(names), "deductions": _deductions(every),
        "trend": {"labels": labels, "series": ([{"name": subject["name"], "values": [
            _str(next((r.total for r in ranked if r.score.subject_id == subject_id), None)) for _, ranked in per_month]}]
            if subject else []) + [{"name": "全体平均", "values": center}]},
    }

    def row(sid: int) -> dict[str, Any]:
        return {"rank": ranks[sid], "subject_id": sid, "name": names[sid], "months": len(totals[sid]),
                "mean": _str(means[sid]), "lowest": _money(min(totals[sid])),
                "awards": "、".join(f"{AWARD_LABELS[k]}×{awards[sid][k]}" for k in AwardKind
                                   if k != AwardKind.BOTTOM and awards[sid].get(k)),
                "bottom": awards[sid].get(AwardKind.BOTTOM, 0)}

    if subject_id is None:
        basis["ranking"] = [row(sid) for sid in order]
    else:
        basis["standing"] = row(subject_id)
        basis["month_rows"] = [
            {"period": a.period, **next(({"rank": r.rank, "total": _money(r.total), "grade": GRADE_LABELS[Grade(r.grade)],
                                          "small": r.below_sample} for r in ranked if r.score.subject_id == subject_id),
                                        {"rank": None, "total": None, "grade": "未参加", "small": False})}
            for a, ranked in per_month]
    return basis


def basis(region: Region, kind: str, subject_kind: SubjectKind, period: str,
          subject_id: int | None = None) -> tuple[dict[str, Any], Assessment | None]:
    """The report's figures and, for a period report, its assessment (published: 409 otherwise)."""
    if kind == ANNUAL:
        if not period.isdigit() or len(period) != 4:
            raise DomainError("period_invalid", f"年度“{period}”格式不正确（如 2026）", field="period")
        return annual_basis(region, subject_kind, int(period), subject_id), None
    if kind != PERIOD:
        raise DomainError("report_kind_invalid", "报告种类须为考核报告或年度考核报告", field="kind")
    parse_period(period)
    assessment = (Assessment.objects.filter(region=region, subject_kind=subject_kind, period=period)
                  .select_related("region", "scheme").first())
    if assessment is None:
        raise NotFound(f"{region.name}{period_label(period)}没有{SUBJECT_LABELS[subject_kind]}考核",
                       code="assessment_not_found", field="period")
    if assessment.state != Assessment.State.PUBLISHED:
        raise Conflict("report_not_published", "考核尚未发布，发布后才能出具考核报告", field="assessment")
    return period_basis(assessment, subject_id), assessment


def with_charts(content: dict[str, Any]) -> dict[str, Any]:
    """The content with its two charts drawn (the trend, the deductions by item)."""
    trend = content["trend"]
    series = [(s["name"], [float(v) if v is not None else None for v in s["values"]]) for s in trend["series"]]
    who = content["subject"]["name"] if content.get("subject") else f"{content['region']}{content['subject_label']}"
    return content | {"charts": {
        "trend": charts.trend("assessment-trend", "得分趋势", f"{who}各考核期的得分"
                              + ("与全体平均分" if content.get("subject") else "（全体平均分）"),
                              trend["labels"], series),
        "deductions": charts.deductions("assessment-deductions", "扣分分布（按项目）",
                                        f"{content['period_label']}{who}各扣分项目的扣分合计",
                                        [(d["label"], float(d["points"])) for d in content["deductions"]]),
    }}


def content_intact(report: Any) -> bool:
    """Whether the stored content is what was issued (its hash), before it is drawn."""
    return hashlib.sha256(canonical(report.content)).hexdigest() == report.content_sha256


def pdf_of(report: Any) -> bytes:
    """The report's PDF, from its frozen content (refused if the stored content was altered).
    Slow-ish (WeasyPrint): never inside a transaction."""
    if not content_intact(report):
        raise DomainError("report_altered", "报告内容与出具时的记录不符，已停止生成", field="report")
    return render_pdf("assessment_report", report.content)
