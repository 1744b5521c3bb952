from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext_lazy as _

from recruitment.views import reminders
from registry import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    # Outside the language prefix: an SMS has no room for it, and the gateway posts here.
    path("s/<str:code>", reminders.short_link, name="short-link"),
    path("sms/callback/<str:secret>", reminders.sms_callback, name="sms-callback"),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("recruitment.urls")),
    prefix_default_language=True,
)

# Error pages that do not read the request again (see registry.views._error_page).
handler400 = "registry.views.bad_request"
handler404 = "registry.views.page_not_found"

admin.site.site_header = _("Registry administration")
admin.site.site_title = _("Registry")

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
