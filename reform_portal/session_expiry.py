"""Sessions end after SESSION_COOKIE_AGE seconds without activity.

Django's SESSION_SAVE_EVERY_REQUEST would slide the expiry with a database write on every
request. Here a signed-in session is saved (and so its expiry moved to now + SESSION_COOKIE_AGE)
at most once every SESSION_REFRESH_SECONDS: an idle session ends between AGE − REFRESH and AGE
seconds after its last request, and a page costs no write while its session is fresh."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

ACTIVITY_KEY = "_activity_at"


@receiver(user_logged_in, dispatch_uid="session_activity_on_sign_in")
def activity_marked_on_sign_in(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    # Saved with the sign-in's own session write.
    if request is not None and hasattr(request, "session"):
        request.session[ACTIVITY_KEY] = int(time.time())


class SessionActivityMiddleware:
    """Listed after SessionMiddleware, so that its mark is saved on the way out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        # Only a session that signed in is marked: a call authenticated otherwise (an API
        # token) must not open a session of its own on every request.
        signed_in = hasattr(request, "session") and SESSION_KEY in request.session
        if getattr(user, "is_authenticated", False) and signed_in:
            marked = request.session.get(ACTIVITY_KEY)
            now = int(time.time())
            if not isinstance(marked, int) or now - marked >= settings.SESSION_REFRESH_SECONDS:
                request.session[ACTIVITY_KEY] = now
        return response
