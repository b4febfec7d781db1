"""A database that cannot be reached answers a 503 page in Vietnamese, rendered without the
database (no session, no user, no context processors), instead of a bare 500; other errors
answer the portal's 500 page. `make faults` crashes a real PostgreSQL under the portal."""

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import InterfaceError, OperationalError
from django.test import Client

from tests.factories import EditionFactory

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


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_command_line_import_with_the_database_down_ends_with_one_clear_line(
    monkeypatch, error, tmp_path
):
    """The command line says what happened and that nothing was half-written, exit status 1,
    no traceback (`make faults` cut a real database under the web import)."""
    edition = EditionFactory()
    path = tmp_path / "scores.csv"
    path.write_text("Tỉnh,Điểm\nQuảng Nam,60\n", encoding="utf-8")

    def down(**kwargs):
        raise error("could not connect to server: Connection refused\n\tIs the server running?")

    monkeypatch.setattr("indices.management.commands.import_scores.scores_import", down)
    with pytest.raises(CommandError) as raised:
        call_command(
            "import_scores", str(path), "--index", edition.index.code, "--year", edition.year
        )
    message = str(raised.value)
    assert message.startswith("Không kết nối được cơ sở dữ liệu (could not connect to server")
    assert "Không có gì được ghi dở" in message
    assert "\n" not in message
