from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "Registry"


class StaffAdminConfig(admin_apps.AdminConfig):
    """The admin, with its site asking staff for a second factor (registry.auth)."""

    default = False  # named in INSTALLED_APPS in place of django.contrib.admin
    default_site = "registry.auth.StaffAdminSite"
