"""The Django admin site, kept for rare repairs, under the portal's name and in its language.

Django's Vietnamese catalogue names the site "Trang quản trị cho Django" and leaves the index's
screen-reader table headings in English: the site's titles are ours, and the index renders the
app list from `templates/manage/admin_app_list.html`."""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class PortalAdminSite(AdminSite):
    site_header = _("Reform Portal · Quản trị kỹ thuật")
    site_title = _("Quản trị kỹ thuật Reform Portal")
    index_title = _("Sửa chữa dữ liệu")
    index_template = "manage/admin_index.html"


class PortalAdminConfig(AdminConfig):
    default_site = "reform_portal.admin_site.PortalAdminSite"
