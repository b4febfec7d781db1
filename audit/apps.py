from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Nhật ký hoạt động")

    def ready(self) -> None:
        # Sign-in and failed sign-in are recorded from Django's own signals.
        from . import signals  # noqa: F401, PLC0415
