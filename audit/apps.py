from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Nhật ký hoạt động")

    def ready(self) -> None:
        # Connected here, before any sign-in: the sign-in records (audit.signals) and the
        # session activity mark the sign-in sets (reform_portal.session_expiry).
        from reform_portal import session_expiry  # noqa: F401, PLC0415

        from . import signals  # noqa: F401, PLC0415
