"""The OpenAPI schema is valid, the docs page is served from our own origin under the portal's
CSP, and every response the API gives matches the schema (Schemathesis, in process)."""

import io
import json
import re

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from rest_framework.test import APIClient
from schemathesis.specs.openapi import checks as openapi_checks

from api.services import api_token_issue

pytestmark = pytest.mark.django_db


def test_schema_is_valid_openapi_3(official, client_for):
    response = client_for(official).get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    validate(schema)
    paths = set(schema["paths"])
    assert {
        "/api/v1/units/",
        "/api/v1/units/{code}/",
        "/api/v1/successions/",
        "/api/v1/indices/",
        "/api/v1/editions/",
        "/api/v1/components/",
        "/api/v1/scores/",
        "/api/v1/results/",
        "/api/v1/targets/",
        "/api/v1/target-statuses/",
        "/api/v1/progress/",
        "/api/v1/progress/{id}/",
    } <= paths
    value = schema["components"]["schemas"]["Score"]["properties"]["value"]
    assert value["type"] == "string"


def test_spectacular_validates_the_schema_without_warnings(reference_units, tmp_path):
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(tmp_path / "schema.yaml"),
        stdout=io.StringIO(),
    )


def test_schema_needs_a_reader():
    assert APIClient().get("/api/v1/schema/").status_code == 401


def test_docs_page_is_served_offline_and_loads_under_the_portals_csp(official):
    client = APIClient()
    client.force_login(official)
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "a CDN or other origin"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    # No inline script (the CSP would block it): every script is a file of our origin.
    assert not re.search(r"<script>\s*\S", html)
    sources = re.findall(r"<script src=\"([^\"]+)\"", html)
    assert len(sources) == 3
    assert all(src.startswith("/") and not src.startswith("//") for src in sources)
    start = client.get(sources[-1].replace("&amp;", "&"))
    assert start.status_code == 200
    assert start["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in start.content.decode()
    assets = [s for s in sources if s.startswith("/static/")]
    assets += re.findall(r"<link rel=\"stylesheet\" href=\"([^\"]+)\"", html)
    assert len(assets) == 3
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def _schema() -> schemathesis.schemas.BaseSchema:
    document = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(json.loads(json.dumps(document, default=str)))
    schema.app = get_wsgi_application()
    return schema


schema = _schema()


@pytest.fixture
def _test_connection():
    """The WSGI app is called outside Django's test client, which is what keeps a request from
    closing the test's connection (and its transaction) on PostgreSQL: do as it does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_key(_test_connection, official, pci_2021, home_targets, reports_two_units):
    return api_token_issue(user=official, name="schemathesis").key


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@override_settings(API_RATE_LIMIT="")
def test_every_response_matches_the_schema_and_none_is_a_server_error(case, api_key):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {api_key}"},
        checks=[
            schemathesis.checks.not_a_server_error,
            openapi_checks.response_schema_conformance,
            openapi_checks.content_type_conformance,
        ],
    )
