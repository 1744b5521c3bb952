from django.http import HttpRequest
from django.template import engines
from django.template.response import TemplateResponse
from django.urls import path

from registry.urls import urlpatterns as site_urlpatterns

# One small template, compiled once as the cached loader keeps the site's own.
BARE = engines["django"].from_string(
    '<!doctype html><html lang="ru"><title>{{ title }}</title><p>{{ text }}</p></html>'
)


def bare(request: HttpRequest) -> TemplateResponse:
    """The yardstick: a Django view rendering one small template through the same middleware,
    the same server and the same settings as the site's pages."""
    return TemplateResponse(request, BARE, {"title": "bare", "text": "ok"})


urlpatterns = [path("bare/", bare), *site_urlpatterns]
