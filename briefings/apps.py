import logging

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BriefingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "briefings"
    verbose_name = _("Báo cáo tổng hợp")

    def ready(self) -> None:
        # WeasyPrint logs every layout step at INFO; its warnings are all a log needs.
        for name in ("weasyprint", "weasyprint.progress"):
            logging.getLogger(name).setLevel(logging.WARNING)
