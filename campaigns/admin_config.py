"""django.contrib.admin with AdStudio's site (INSTALLED_APPS names this instead of the admin)."""

from django.contrib.admin.apps import AdminConfig


class AdStudioAdminConfig(AdminConfig):
    # A dotted path: the site module imports models, which are not ready while apps load.
    default_site = "campaigns.admin_site.AdStudioAdminSite"
