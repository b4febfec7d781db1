from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """The officials' pages over the current analytics generation. No models: every page reads
    `indices` (and `reports`) through their selectors and caches under the generation number."""

    name = "dashboards"
    verbose_name = _("Tổng quan")
