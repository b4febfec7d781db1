"""django-axes under a Vietnamese name: the admin site lists its records in the page's language.

axes ships no Vietnamese catalogue and its model names are English msgids. Its models' names
are set here at start-up, to Vietnamese msgids translated to English by our own catalogue.
Only `_meta`'s resolved names change, not the options the migrations read (`original_attrs`),
so axes' migrations stay as they are."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):
    verbose_name = _("Bảo vệ đăng nhập")

    def ready(self) -> None:
        super().ready()
        names = {
            "AccessAttempt": (_("lần đăng nhập sai"), _("lần đăng nhập sai")),
            "AccessFailureLog": (_("nhật ký đăng nhập sai"), _("nhật ký đăng nhập sai")),
            "AccessLog": (_("nhật ký đăng nhập"), _("nhật ký đăng nhập")),
            "AccessAttemptExpiration": (
                _("hạn khóa đăng nhập"),
                _("hạn khóa đăng nhập"),
            ),
        }
        for model in self.get_models():
            if model.__name__ in names:
                model._meta.verbose_name, model._meta.verbose_name_plural = names[model.__name__]
