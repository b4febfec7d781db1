import pytest
from django.urls import reverse

from briefings.models import GeneratedReport


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    """POST the report form as the client's user, running what is queued on commit (the eager
    Celery task of a large report); the report it made."""

    def ask(client, **data: str) -> GeneratedReport:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("briefings:create"), data)
        assert response.status_code == 302, response.status_code
        pk = int(response["Location"].rstrip("/").split("/")[-1])
        return GeneratedReport.objects.get(pk=pk)

    return ask
