"""The authorization matrix (tests/permissions/matrix.py) is complete, and every cell holds on the demo.

Completeness: every URL pattern of the resolver and every operation of the OpenAPI document has a
row (the admin's model URLs by kind), and no row names something that no longer exists. Cells:
one test per row and role tries the row in every scope and both demo counties (see matrix.py);
each request runs in a savepoint rolled back at once, so an allowed POST changes nothing the next
request sees. A 5xx fails any cell, and no staff answer of one county names a case, document or
certificate number of the other.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from onewindow.api.api import api
from onewindow.online.services import LOGIN_BACKEND
from tests.permissions.helpers import COUNTIES, MAIN, OK, OUTCOMES, ROLES, SECOND, MatrixWorld, classify
from tests.permissions.matrix import ROWS, STAFF, Row

_ADMIN_MODEL_URL = re.compile(r"^admin:[a-z0-9]+_[a-z0-9]+_(changelist|add|change|delete|history)$")
_NUMBER_OF = {MAIN: re.compile(r"990121(?:\d{3})?-\d{4}-"), SECOND: re.compile(r"990123(?:\d{3})?-\d{4}-")}


def _url_names(patterns: list, namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}" if pattern.name else f"{namespace}*/<object_id>/"


def _row_key(name: str) -> str:
    """The row a URL name falls under: itself, or the admin's kind of model URL."""
    if name.endswith("_password_change") and name != "admin:password_change":
        return "admin:*_password_change"
    match = _ADMIN_MODEL_URL.match(name)
    return f"admin:*_{match.group(1)}" if match else name


def _operations() -> set[str]:
    document = api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, item in document["paths"].items() for method in item}


def test_every_url_pattern_has_a_row():
    names = {_row_key(name) for name in _url_names(get_resolver().url_patterns)}
    api_names = {name for name in names if name.startswith("api:") and name not in
                 {"api:openapi-json", "api:openapi-view", "api:api-root"}}
    page_rows = {row.key for row in ROWS if not row.api}
    missing = sorted(names - api_names - page_rows)
    assert not missing, f"URL patterns without a row in tests/permissions/matrix.py: {missing}"
    stale = sorted(page_rows - names)
    assert not stale, f"rows for URL patterns that no longer exist: {stale}"


def test_every_api_operation_has_a_row():
    operations = _operations()
    api_rows = {row.key for row in ROWS if row.api}
    missing = sorted(operations - api_rows)
    assert not missing, f"API operations without a row in tests/permissions/matrix.py: {missing}"
    assert not sorted(api_rows - operations), "rows for API operations that no longer exist"


def test_the_table_is_well_formed():
    keys = [(row.key, row.variant) for row in ROWS]
    assert len(keys) == len(set(keys)), "a row appears twice"
    for row in ROWS:
        assert set(row.expect) == set(ROLES), row.key
        for role, cell in row.expect.items():
            outcomes = cell if isinstance(cell, tuple) else (cell,)
            assert all(o in OUTCOMES for o in outcomes), (row.key, role)
            assert row.scoped or not isinstance(cell, tuple), (row.key, role, "a triple needs a record in the path")


# --- the cells -------------------------------------------------------------------------------------


def _client(world: MatrixWorld, role: str, county: str, row: Row) -> tuple[Client, dict[str, str]]:
    client = Client()
    headers: dict[str, str] = {}
    user = world.users[role, county]
    if user is None:
        return client, headers
    if row.api and role in STAFF:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {world.tokens[role, county]}"
    elif role == "applicant":
        client.force_login(user, backend=LOGIN_BACKEND)
    else:
        client.force_login(user)
    return client, headers


def _probe(world: MatrixWorld, row: Row, role: str, county: str, values: dict[str, str]) -> tuple[str, int, str]:
    client, headers = _client(world, role, county, row)
    path = row.path.format(**values)
    data = {key: value.format(**values) if isinstance(value, str) else value for key, value in row.data.items()}
    with transaction.atomic():
        if row.method == "GET":
            response = client.get(path, **headers)
        elif row.api:
            response = client.post(path, data=data, content_type="application/json", **headers)
        else:
            response = client.post(path, data=data, **headers)
        transaction.set_rollback(True)
    try:
        outcome = classify(response)
    except AssertionError as exc:
        raise AssertionError(f"{row.key} as {role} of {county}: {exc} on {row.method} {path}") from None
    body = b"" if response.streaming else response.content
    return outcome, response.status_code, body.decode("utf-8", "replace") if response.status_code == 200 else ""


def _values(world: MatrixWorld, county: str, role: str) -> dict[str, str]:
    """The placeholders of a county's own target for ``role`` (any role's, where it has none)."""
    return world.own[county][role] or world.own[county]["clerk"]


def _attempts(world: MatrixWorld, row: Row, role: str) -> Iterator[tuple[str, str, dict[str, str], str]]:
    """(scope label, acting county, placeholders, expected outcome) of every cell of ``row`` × ``role``."""
    cell = row.expect[role]
    if not row.scoped:  # tried by 云溪县's login; 青禾县's logins meet the scoped rows
        yield "any", MAIN, _values(world, MAIN, role), cell
        return
    own, other_dept, other_county = cell if isinstance(cell, tuple) else (cell, cell, cell)
    for county in COUNTIES:
        if world.own[county][role] is not None:
            yield "own department", county, world.own[county][role], own
    yield "other department", MAIN, world.other_dept[role], other_dept
    yield "other county", MAIN, _values(world, SECOND, role), other_county
    yield "other county", SECOND, world.own[MAIN][role], other_county


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", ROWS, ids=[row.key + (f" [{row.variant}]" if row.variant else "") for row in ROWS])
def test_cell(world: MatrixWorld, row: Row, role: str):
    wrong = []
    for scope, county, values, expected in _attempts(world, row, role):
        got, status, body = _probe(world, row, role, county, values)
        if got != expected:
            wrong.append(f"{scope} (as {role} of {county}): expected {expected}, got {got} ({status})")
        if body and role in STAFF and row.expect["anonymous"] != OK:  # public pages list every county
            other = SECOND if county == MAIN else MAIN
            leaked = _NUMBER_OF[other].search(body)
            assert leaked is None, f"{row.key} as {role} of {county} names {leaked.group(0)}… of the other county"
    assert not wrong, f"{row.method} {row.path}: " + "; ".join(wrong)
