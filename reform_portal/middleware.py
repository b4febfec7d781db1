"""Vietnamese first: the language comes from the user's choice (cookie), never from the
browser's Accept-Language, so a government PC with an English browser still opens in Vietnamese."""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from indices.analytics.queue import QUEUE_DOWN_MESSAGE, dispatch_report


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class AnalysisDispatchMiddleware:
    """Tell the person whose request committed data that its rebuild could not be queued (the
    broker is down): the data is saved and the run waits in the database for the sweep."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with dispatch_report() as report:
            response = self.get_response(request)
        if report.queue_down:
            messages.warning(request, QUEUE_DOWN_MESSAGE, fail_silently=True)
        return response
