from django.contrib.auth.decorators import login_required
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


@login_required
def bare_signed_in(request: HttpRequest) -> TemplateResponse:
    """The yardstick for pages behind a sign-in: the same small template, for a signed-in user
    (the session and the user are read, as every signed-in page does)."""
    return TemplateResponse(request, BARE, {"title": "bare", "text": request.user.get_username()})


urlpatterns = [path("bare/", bare), path("bare-signed-in/", bare_signed_in), *site_urlpatterns]
