"""A database that cannot be reached answers a 503 page in Vietnamese, rendered without the
database (no session, no user, no context processors), instead of a bare 500; other errors
answer the portal's 500 page. `make faults` crashes a real PostgreSQL under the portal."""

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymous() -> Client:
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_database_down_answers_503_in_vietnamese(anonymous, monkeypatch, error):
    def down(*args, **kwargs):
        raise error("server closed the connection unexpectedly")

    # The sign-in page's first query reads the session: where a real outage shows first.
    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", down)
    anonymous.cookies["sessionid"] = "x" * 32
    response = anonymous.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "Hệ thống tạm thời gián đoạn" in body
    assert "chưa được ghi" in body
    assert 'lang="vi"' in body


def test_other_errors_answer_the_500_page(anonymous, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", broken)
    anonymous.cookies["sessionid"] = "x" * 32
    response = anonymous.get("/")
    assert response.status_code == 500
    assert "Lỗi máy chủ" in response.content.decode()


def test_persistent_connections_are_checked_before_use():
    """After a database restart, a worker's persistent connection is dead: Django must check it
    before the request's first query, or that request fails (found by `make faults`)."""
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        pytest.skip("no persistent connections on SQLite")
    assert database["CONN_HEALTH_CHECKS"] is True
