import pytest
from django.urls import reverse

pytestmark = pytest.mark.integration


def test_worker_process_answers_on_redis_and_healthz_sees_the_broker(start_worker, client):
    from reform_portal.celery import app

    worker = start_worker("ping")
    replies = app.control.ping(timeout=2.0)
    assert any(worker.name in next(iter(reply)) for reply in replies)

    data = client.get(reverse("healthz")).json()
    assert data["broker"] == {"ok": True, "ms": data["broker"]["ms"], "mode": "worker"}
    assert data["cache"]["backend"] == "RedisCache"
    assert data["database"]["vendor"] == "postgresql"
