"""Issue 13, defect 6: headers on every page, the API docs without a CDN, the health check.

Every page carries a Content-Security-Policy that runs only the site's own script files (no inline
script, and the pages have none); every page with personal data says ``no-store`` (hall PCs are
shared); ``/api/v1/docs`` loads Swagger UI from this server; ``/healthz`` names no database to
anonymous callers.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from onewindow.organization.rules import Role
from tests.offline import assert_served_from_here

pytestmark = pytest.mark.django_db

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
EVENT_ATTRIBUTE = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def _csp(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: " ".join(part.split()[1:]) for part in header.split(";") if part.strip()}


def _assert_no_inline_script(html: str) -> None:
    for attributes, body in SCRIPT.findall(html):
        if "application/json" in attributes:  # data, never run
            continue
        assert "src=" in attributes, f"inline script: {attributes} {body[:80]}"
        assert not body.strip(), f"inline script: {attributes} {body[:80]}"
    assert not EVENT_ATTRIBUTE.search(html), EVENT_ATTRIBUTE.search(html).group(0)
    assert "javascript:" not in html


def test_every_page_has_a_csp_without_inline_script_and_the_pages_have_none(client, two_counties):
    anonymous = ["/", "/search/?q=结婚", "/online/", "/online/login/", "/online/register/", "/online/progress/",
                 "/verify/", "/staff/login/", "/calendar/"]
    for url in anonymous:
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        csp = _csp(response)
        assert csp["script-src"] == "'self'", url
        assert csp["style-src"] == "'self'", url
        assert csp["object-src"] == "'none'", url
        assert csp["frame-ancestors"] == "'none'", url
        _assert_no_inline_script(response.content.decode())
    client.force_login(two_counties.a.user(Role.CLERK))
    for url in ("/staff/", "/staff/intake/", "/staff/inbox/", "/staff/ledger/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _csp(response)["script-src"] == "'self'"
        html = response.content.decode()
        _assert_no_inline_script(html)
        # htmx works under the policy: its indicator style is a rule of site.css, not an injected <style>
        assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in html


def test_the_api_answers_carry_the_policy_too(client):
    assert "script-src 'self'" in client.get("/api/v1/openapi.json")["Content-Security-Policy"]


def test_staff_and_applicant_pages_and_exports_are_never_stored(client, two_counties):
    assert client.get("/online/progress/")["Cache-Control"] == "no-store"  # a case's progress, no login
    client.force_login(two_counties.a.user(Role.CLERK))
    for url in ("/staff/", "/staff/inbox/", "/", f"/staff/ledger/?day={date.today()}&format=xlsx"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
    client.force_login(two_counties.a.user(Role.SUPERVISOR))
    export = client.get("/staff/supervision/export.xlsx")
    assert export.status_code == 200
    assert "no-store" in export["Cache-Control"]


def test_a_public_page_for_an_anonymous_visitor_may_be_cached(client, db):
    assert "no-store" not in client.get("/").get("Cache-Control", "")


def test_the_api_docs_load_swagger_ui_from_this_server(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/static/ninja/swagger-ui.css" in html
    assert_served_from_here(html)
    # the bundle is really served from here
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200
    csp = _csp(response)
    assert csp["script-src"] == "'self'"  # only styles are relaxed for Swagger UI


def test_healthz_names_no_database_to_anonymous_callers(client, two_counties):
    body = client.get("/healthz").json()
    assert body == {"status": "ok", "database": {"status": "ok"}}
    client.force_login(two_counties.a.user(Role.CENTER_ADMIN))
    assert client.get("/healthz").json()["database"]["vendor"] in ("sqlite", "postgresql")
