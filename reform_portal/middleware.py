"""The project's own middleware. Vietnamese first: the language comes from the user's choice
(cookie), never from the browser's Accept-Language, so a government PC with an English browser
still opens in Vietnamese. A NUL in a query or form is refused at the door. (The notice that a
rebuild could not be queued is `indices.middleware`'s: the project imports none of its apps.)"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        # The language was the request's: the thread goes back to the default afterwards, so
        # what runs next on it (another request's early code, a test) never inherits English.
        response = super().process_response(request, response)
        translation.deactivate()
        return response


class RejectNulMiddleware:
    """A NUL character in a query or form value is no valid input anywhere (PostgreSQL refuses it
    in a string): answer 400 at the door instead of a 500 from the first query that uses it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sources = [request.GET, request.POST] if request.method == "POST" else [request.GET]
        for values in sources:
            for key, items in values.lists():
                if "\x00" in key or any("\x00" in str(item) for item in items):
                    return HttpResponseBadRequest()
        return self.get_response(request)
