"""The API's errors in the reader's language, Vietnamese first: DRF's own Vietnamese catalogue
leaves several of its messages in English ("Authentication credentials were not provided.")."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, exceptions.NotAuthenticated):
        exc.detail = exceptions.ErrorDetail(
            _("Chưa xác thực: hãy gửi mã truy cập trong tiêu đề “Authorization: Bearer <mã>”."),
            code=exc.default_code,
        )
    elif isinstance(exc, exceptions.Throttled):
        wait = exc.wait
        exc.detail = exceptions.ErrorDetail(
            _("Quá nhiều yêu cầu: hãy thử lại sau %(seconds)s giây.")
            % {"seconds": int(wait) + 1 if wait is not None else 60},
            code=exc.default_code,
        )
    elif isinstance(exc, exceptions.PermissionDenied):
        exc.detail = exceptions.ErrorDetail(
            _("Tài khoản này không được xem nội dung này."), code=exc.default_code
        )
    elif isinstance(exc, Http404):
        # Django's message names the model ("No QuarterlyReport matches the given query.").
        exc = exceptions.NotFound(_("Không có đối tượng này, hoặc tài khoản không được xem nó."))
    elif isinstance(exc, exceptions.MethodNotAllowed):
        exc.detail = exceptions.ErrorDetail(_("API chỉ cho phép đọc (GET)."), code=exc.default_code)
    return exception_handler(exc, context)
