from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import PageNumberPagination


class ApiPagination(PageNumberPagination):
    """Numbered pages (`?page=2`, `?page_size=200` up to `API_MAX_PAGE_SIZE`), in an order every
    endpoint fixes down to the primary key, so pages never overlap or skip a row."""

    page_size = settings.API_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE
    invalid_page_message = _("Trang “{page_number}” không có: {message}")
