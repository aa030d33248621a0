"""The compiled hot-path statements give what the ORM gives, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, QuerySet
from django.test.utils import CaptureQueriesContext

from onewindow.core import compiled
from onewindow.notifications.models import OutboxMessage
from onewindow.organization.models import Region

pytestmark = pytest.mark.django_db

MOMENT = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)


def _by_code(code: str) -> QuerySet[Region]:
    return Region.objects.select_related("parent").filter(code=code)


def _message(**extra) -> OutboxMessage:
    region = Region.objects.get(code="990121000000")
    return OutboxMessage(region=region, channel="sms", recipient="13900000000", body="您的办件已受理", kind="case.accepted",
                         next_attempt_at=MOMENT, created_at=MOMENT, **extra)


@pytest.fixture
def county(db) -> Region:
    province = Region.objects.create(code="990000000000", name="演示省", level=1)
    city = Region.objects.create(code="990100000000", name="演示市", level=2, parent=province)
    return Region.objects.create(code="990121000000", name="云溪县", level=3, parent=city, has_center=True)


def test_fetch_builds_what_the_orm_builds_with_its_related_rows(county):
    [found] = compiled.fetch("test.region_by_code", _by_code, county.code)
    assert found == county
    assert found.name == "云溪县"
    assert found.has_center is True
    with CaptureQueriesContext(connection) as captured:
        assert found.parent.name == "演示市"  # select_related: already there
    assert len(captured) == 0
    assert compiled.fetch("test.region_by_code", _by_code, "000000000000") == []


def test_fetch_converts_columns_as_the_orm_does(two_counties):
    """JSON, decimals and aware datetimes come back as the ORM returns them (SQLite stores
    them as text)."""
    from onewindow.supervision.models import SupervisionSettings

    region = two_counties.a.region
    row = SupervisionSettings.objects.create(region=region, yellow_share=Decimal("0.85"))

    def build(pk: int) -> QuerySet[SupervisionSettings]:
        return SupervisionSettings.objects.filter(pk=pk)

    [found] = compiled.fetch("test.settings", build, row.pk)
    expected = SupervisionSettings.objects.get(pk=row.pk)
    for field in SupervisionSettings._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(expected, field.attname), field.name
    assert isinstance(found.yellow_share, Decimal)


def test_fetch_refuses_a_query_whose_parameters_are_not_the_ones_given(county):
    def by_name_and_code(name: str, code: str) -> QuerySet[Region]:
        return Region.objects.filter(name=name, code=code)

    # Keyword filters are sorted by name: code's parameter comes first, not name's.
    with pytest.raises(ValueError, match="parameters"):
        compiled.fetch("test.misordered", by_name_and_code, "云溪县", county.code)


def test_the_sql_is_compiled_once_then_only_bound(county, monkeypatch, settings):
    settings.ONEWINDOW = {**settings.ONEWINDOW, "CHECK_PLANS": False}  # production: no recompiling
    compiled.fetch("test.once", _by_code, county.code)
    calls = []
    monkeypatch.setattr(compiled, "_compile_select", lambda *a: calls.append(a))
    assert compiled.fetch("test.once", _by_code, "990100000000")[0].name == "演示市"
    assert calls == []


def test_under_tests_a_query_whose_shape_changes_between_calls_fails_loudly(county):
    """A permission filter that grows for one actor would run another actor's SQL with its values."""
    def visible(code: str, narrow: bool) -> QuerySet[Region]:
        qs = Region.objects.filter(code=code)
        return qs.filter(parent__isnull=False) if narrow else qs  # no parameter of its own: only the text differs

    compiled.fetch("test.shape", lambda code: visible(code, False), county.code)
    with pytest.raises(ValueError, match="changed its shape"):
        compiled.fetch("test.shape", lambda code: visible(code, True), county.code)


def test_a_keyed_statement_is_built_once_per_key_and_reads_the_rows_of_now(county, settings):
    settings.ONEWINDOW = {**settings.ONEWINDOW, "CHECK_PLANS": False}  # production: no rebuilding
    built = []

    def children(parent_code: str):
        def build() -> QuerySet[Region]:
            built.append(parent_code)
            return Region.objects.filter(parent__code=parent_code).select_related("parent").order_by("code")
        return build

    assert [r.code for r in compiled.fetch_keyed(("test.children", "990000000000"), children("990000000000"))] == [
        "990100000000"]
    Region.objects.create(code="990200000000", name="另一市", level=2, parent_id=county.parent.parent_id)
    again = compiled.fetch_keyed(("test.children", "990000000000"), children("990000000000"))
    assert [r.code for r in again] == ["990100000000", "990200000000"]  # the statement kept, the rows read now
    assert again[0].parent.code == "990000000000"  # select_related filled in
    assert built == ["990000000000"]
    assert [r.code for r in compiled.fetch_keyed(("test.children", "990100000000"), children("990100000000"))] == [
        "990121000000"]
    assert built == ["990000000000", "990100000000"]


def test_under_tests_a_key_that_misses_an_input_fails_loudly(county):
    """The key is the whole input: the same key with another value (or shape) is a wrong key."""
    compiled.fetch_keyed(("test.partial",), lambda: Region.objects.filter(code=county.code))
    with pytest.raises(ValueError, match="changed between calls"):
        compiled.fetch_keyed(("test.partial",), lambda: Region.objects.filter(code="990100000000"))


def test_the_keyed_statements_keep_the_newest(county, settings, monkeypatch):
    settings.ONEWINDOW = {**settings.ONEWINDOW, "CHECK_PLANS": False}
    monkeypatch.setattr(compiled, "KEYED_MAX", 2)
    built = []

    def build(code: str):
        return lambda: built.append(code) or Region.objects.filter(code=code)

    for code in ("990000000000", "990100000000", "990121000000", "990121000000", "990000000000"):
        compiled.fetch_keyed(("test.lru", code), build(code))
    assert built == ["990000000000", "990100000000", "990121000000", "990000000000"]  # the first went


def test_fetch_together_keeps_the_order_of_its_reads(county):
    def by_name(name: str) -> QuerySet[Region]:
        return Region.objects.filter(Q(name=name))

    first, second, third = compiled.fetch_together(("test.by_code", _by_code, [county.code]),
                                                   ("test.by_name", by_name, ["演示省"]),
                                                   ("test.by_code", _by_code, ["990100000000"]))
    assert [first[0].name, second[0].name, third[0].name] == ["云溪县", "演示省", "演示市"]


def test_reads_of_several_models_as_one_statement_keep_each_ones_rows_and_types(county):
    # On PostgreSQL one UNION ALL: the third read's columns (a bigint key, a timestamp …) stand
    # where the first two put NULLs, which must carry those types (two bare NULLs make text).
    def by_name(name: str) -> QuerySet[Region]:
        return Region.objects.filter(Q(name=name))

    def messages(kind: str) -> QuerySet[OutboxMessage]:
        return OutboxMessage.objects.select_related("region").filter(kind=kind)

    stored = _message()
    stored.save()
    first, second, third = compiled.fetch_together(("test.by_code", _by_code, [county.code]),
                                                   ("test.by_name", by_name, ["演示省"]),
                                                   ("test.messages", messages, ["case.accepted"]), one_statement_from=0)
    assert [first[0].name, first[0].parent.name, second[0].name] == ["云溪县", "演示市", "演示省"]
    assert [(m.pk, m.created_at, m.region.name) for m in third] == [(stored.pk, MOMENT, "云溪县")]


def test_insert_fills_the_key_and_the_auto_now_fields(county):
    from onewindow.supervision.models import SupervisionSettings

    row = SupervisionSettings(region=county, yellow_share=Decimal("0.80"))
    assert compiled.insert(row) is True
    assert row.pk is not None
    assert not row._state.adding
    assert row.updated_at is not None
    stored = SupervisionSettings.objects.get(pk=row.pk)
    assert (stored.yellow_share, stored.updated_at, stored.enabled_rules) == (Decimal("0.80"), row.updated_at,
                                                                              row.enabled_rules)


def test_insert_unless_taken_leaves_the_first_row_alone(county):
    first = _message(dedupe_key="990121-2026-000001:2:sms")
    assert compiled.insert(first, unless_taken="dedupe_key") is True
    second = _message(dedupe_key="990121-2026-000001:2:sms", subject="又一条")
    with transaction.atomic():  # a conflict must not break the transaction around it
        assert compiled.insert(second, unless_taken="dedupe_key") is False
        assert second.pk is None
        assert second._state.adding
        assert OutboxMessage.objects.count() == 1
    assert OutboxMessage.objects.get().subject == ""


def test_insert_of_a_duplicate_raises_djangos_integrity_error(county):
    compiled.insert(_message(dedupe_key="k"))
    with pytest.raises(IntegrityError), transaction.atomic():
        compiled.insert(_message(dedupe_key="k"))


def test_update_writes_only_the_fields_named(county):
    message = _message()
    compiled.insert(message)
    OutboxMessage.objects.filter(pk=message.pk).update(body="别人改过的内容")
    message.subject, message.body = "新标题", "不会写入"
    assert compiled.update(message, ["subject"]) == 1
    stored = OutboxMessage.objects.get(pk=message.pk)
    assert (stored.subject, stored.body) == ("新标题", "别人改过的内容")
    OutboxMessage.objects.filter(pk=message.pk).delete()
    assert compiled.update(message, ["subject"]) == 0


def test_increment_adds_to_the_stored_value(county):
    from onewindow.cases.models import CaseNumberSequence

    row = CaseNumberSequence.objects.create(region=county, year=2026, last=4)
    compiled.increment(CaseNumberSequence, row.pk, "last")
    compiled.increment(CaseNumberSequence, row.pk, "last", by=3)
    assert CaseNumberSequence.objects.get(pk=row.pk).last == 8


def test_a_none_parameter_is_refused_it_would_change_the_shape(county):
    def by_parent(parent_id: int | None) -> QuerySet[Region]:
        return Region.objects.filter(parent_id=parent_id)

    with pytest.raises(ValueError, match="None"):
        compiled.fetch("test.by_parent", by_parent, None)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite before 3.35 is the backend without RETURNING")
def test_without_returning_the_key_and_the_conflict_come_from_the_cursor(county, monkeypatch):
    monkeypatch.setattr(connection.features, "can_return_columns_from_insert", False)
    compiled._cache().clear()  # plans built with RETURNING must not be reused
    try:
        first = _message(dedupe_key="k")
        assert compiled.insert(first, unless_taken="dedupe_key") is True
        assert first.pk == OutboxMessage.objects.get().pk
        second = _message(dedupe_key="k")
        assert compiled.insert(second, unless_taken="dedupe_key") is False
        assert second.pk is None
    finally:
        compiled._cache().clear()
    assert OutboxMessage.objects.count() == 1
