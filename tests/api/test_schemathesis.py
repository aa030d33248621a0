"""Schemathesis over the OpenAPI document, in process (WSGI, no server), as every demo role.

Every operation of ``/api/v1/openapi.json`` gets generated requests — valid ones and invalid ones
(schemathesis' positive and negative modes), NUL bytes included in generated strings — and each
request is sent as one of the roles in turn (so every role meets every operation): a bearer
token of each staff role of the demo, an applicant's session, and nobody. Checks: no server error, the status code is documented for the operation,
the content type and the body match what the document says for that status.

Bounded: ``ONEWINDOW_FUZZ_EXAMPLES`` examples per operation (default 20, about a minute on
SQLite in ``make test``). Go bigger locally, e.g.::

    ONEWINDOW_FUZZ_EXAMPLES=200 ONEWINDOW_TESTING=1 ONEWINDOW_VAR_DIR=$(mktemp -d) \\
        .venv/bin/pytest tests/api/test_schemathesis.py
"""

from __future__ import annotations

import itertools
import os
from typing import Any

import pytest
import schemathesis
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from onewindow.api.api import api

EXAMPLES = int(os.environ.get("ONEWINDOW_FUZZ_EXAMPLES", "20"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _schema() -> Any:
    """The document as the app serves it, bound to the app itself (requests go through WSGI)."""
    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema())
    loaded.app = get_wsgi_application()
    return loaded


schema = _schema()
_turn = itertools.count()  # whose turn it is to call


@pytest.fixture(scope="module")
def callers(demo_api) -> dict[str, dict[str, Any]]:
    """How each role calls: headers (a bearer token) or cookies (an applicant's session)."""
    return demo_api


@pytest.fixture
def as_roles(callers, db):
    return callers


@schema.parametrize()
@hypothesis_settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                     suppress_health_check=list(HealthCheck))
def test_api_answers_as_documented(case, as_roles):
    roles = sorted(as_roles)
    role = roles[next(_turn) % len(roles)]
    how = as_roles[role]
    response = case.call(headers=how.get("headers"), cookies=how.get("cookies"))
    try:
        case.validate_response(response, checks=CHECKS)
    except Exception as exc:
        exc.add_note(f"as {role}")
        raise


def test_the_fuzzing_reaches_every_operation():
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == sum(len(item) for item in api.get_openapi_schema()["paths"].values())
    assert settings.ALLOWED_HOSTS  # the in-process client's host must be allowed
