"""The notice, to the person whose request committed data, that its rebuild could not be
queued."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse

from indices.analytics.queue import QUEUE_DOWN_MESSAGE, dispatch_report


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
