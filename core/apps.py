from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every room of the portal may use: the page cache, days, middleware, admin helpers.

    It knows no KIM model: the apps above tell it which of their models the page
    cache watches (`core.cache.invalidate_on_change`).
    """

    name = "core"
    verbose_name = _("Inti")

    def ready(self):
        from .uploads import ensure_upload_temp_dir

        ensure_upload_temp_dir()


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin, whose `admin.site` is the portal's (core.admin.PortalAdminSite); named in
    INSTALLED_APPS in the place of django.contrib.admin."""

    default = False  # "core" is CoreConfig
    default_site = "core.admin.PortalAdminSite"
