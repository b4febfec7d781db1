"""Who may call the API: tokens (issued, revoked), the signed-in session, anonymous callers;
every call recorded; calls limited per token."""

import io

import pytest
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from api.models import ApiCall, ApiToken
from api.services import api_token_issue, api_token_revoke, key_hash
from tests.factories import UserFactory

UNITS = "/api/v1/units/"


@pytest.mark.django_db
def test_anonymous_caller_is_refused_with_401_and_a_bearer_challenge(reference_units):
    response = APIClient().get(UNITS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["detail"].startswith("Chưa xác thực")


@pytest.mark.django_db
@pytest.mark.parametrize("scheme", ["Bearer", "Token", "bearer"])
def test_token_reads_with_either_scheme(official, client_for, scheme):
    response = client_for(official, scheme=scheme).get(UNITS)
    assert response.status_code == 200
    assert response.json()["count"] > 0


@pytest.mark.django_db
def test_revoked_token_is_refused_with_401(official):
    issued = api_token_issue(user=official, name="LGSP")
    api_token_revoke(token=issued.token)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.key}")
    response = client.get(UNITS)
    assert response.status_code == 401
    assert "thu hồi" in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["Bearer rp_unknown", "Bearer", "Bearer a b", "Token \xe9"])
def test_unknown_or_malformed_token_is_refused_with_401(official, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get(UNITS).status_code == 401


@pytest.mark.django_db
def test_token_of_a_locked_account_is_refused(official, client_for):
    client = client_for(official)
    official.is_active = False
    official.save(update_fields=["is_active"])
    assert client.get(UNITS).status_code == 401


@pytest.mark.django_db
def test_account_without_a_portal_role_is_forbidden(reference_units, client_for):
    assert client_for(UserFactory(username="no-role")).get(UNITS).status_code == 403


@pytest.mark.django_db
def test_signed_in_web_user_calls_the_api_with_the_session(official):
    client = APIClient()
    client.force_login(official)
    assert client.get(UNITS).status_code == 200


@pytest.mark.django_db
def test_only_the_key_hash_is_stored_and_the_key_is_shown_once(official):
    issued = api_token_issue(user=official, name="IOC")
    token = ApiToken.objects.get(pk=issued.token.pk)
    assert token.key_hash == key_hash(issued.key)
    assert issued.key not in {token.key_hash, token.prefix}
    assert issued.key.startswith(token.prefix)


@pytest.mark.django_db
def test_every_call_is_recorded_with_account_token_and_status(official, client_for):
    client = client_for(official)
    client.get(UNITS + "?level=province")
    APIClient().get(UNITS)
    calls = list(ApiCall.objects.order_by("pk"))
    assert [(c.status_code, c.method) for c in calls] == [(200, "GET"), (401, "GET")]
    assert calls[0].user == official
    assert calls[0].token is not None
    assert calls[0].token.name == "IOC"
    assert calls[0].path == "/api/v1/units/?level=province"
    assert calls[1].user is None
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.django_db
@override_settings(API_RATE_LIMIT="2/minute")
def test_calls_beyond_the_rate_limit_are_refused_with_429(official, client_for):
    client = client_for(official)
    answers = [client.get(UNITS) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[-1].json()["detail"].startswith("Quá nhiều yêu cầu")
    # Another token of the same account has its own allowance.
    assert client_for(official).get(UNITS).status_code == 200


@pytest.mark.django_db
def test_create_api_token_prints_the_new_token_alone_on_its_own_line(official):
    out = io.StringIO()
    call_command("create_api_token", official.username, "--name", "IOC Quảng Nam", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    key = lines[0]
    token = ApiToken.objects.get(key_hash=key_hash(key))
    assert (token.user, token.name) == (official, "IOC Quảng Nam")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get(UNITS).status_code == 200


@pytest.mark.django_db
def test_create_api_token_refuses_an_unknown_account(reference_units):
    with pytest.raises(CommandError, match="Không có tài khoản"):
        call_command("create_api_token", "nobody", stdout=io.StringIO())


@pytest.mark.django_db
def test_admin_issues_a_token_shown_once_and_revokes_it(admin_user, official):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save(update_fields=["is_staff", "is_superuser"])
    client = APIClient()
    client.force_login(admin_user)
    add = reverse("admin:api_apitoken_add")
    response = client.post(add, {"user": official.pk, "name": "LGSP"}, follow=True)
    assert response.status_code == 200
    token = ApiToken.objects.get(name="LGSP")
    shown = [str(m) for m in response.context["messages"]]
    key = next(m.rsplit(" ", 1)[1] for m in shown if token.prefix in m)
    assert key_hash(key) == token.key_hash
    changelist = reverse("admin:api_apitoken_changelist")
    client.post(changelist, {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get(UNITS).status_code == 401


@pytest.mark.django_db
def test_a_browser_asking_for_html_gets_json(official):
    client = APIClient()
    client.force_login(official)
    response = client.get(UNITS, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_writes_are_refused_in_vietnamese(official, client_for):
    response = client_for(official).post(UNITS, {})
    assert response.status_code == 405
    assert response.json()["detail"] == "API chỉ cho phép đọc (GET)."


def test_a_token_call_opens_no_session(official, client_for):
    api = client_for(official)
    before = Session.objects.count()
    response = api.get("/api/v1/indices/")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert Session.objects.count() == before
