"""URLs of the proposals pages (included by recruitment/urls.py)."""

from django.urls import URLPattern, path

from recruitment.views import proposals

urlpatterns: list[URLPattern] = [
    path("host-a-drive/", proposals.host_drive, name="host-drive"),
    path("host-a-drive/thanks/", proposals.host_drive_thanks, name="host-drive-thanks"),
]
