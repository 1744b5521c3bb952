from __future__ import annotations

from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from recruitment.models import Entry, RulesVersion
from recruitment.views.base import language
from registry.http_cache import public_page

PAGES = {
    "how-to-join": _("How to join the registry"),
    "how-donation-works": _("How donation works"),
    "about-transplants": _("About stem cell transplants"),
    "privacy": _("Privacy"),
}


def _content(slug: str) -> str:
    return f"recruitment/pages/content/{language()}/{slug}.html"


def _ages() -> dict[str, int]:
    """The age bounds of the published rules, for "who can join" on the first screen."""
    rules = RulesVersion.objects.current().rules()
    return {"min": rules.min_age, "max": rules.max_age}


@require_safe
@public_page
def home(request: HttpRequest) -> TemplateResponse:
    context = {"content": _content("home"), "ages": _ages()}
    return TemplateResponse(request, "recruitment/pages/home.html", context)


@require_safe
@public_page
def page(request: HttpRequest, slug: str) -> TemplateResponse:
    if slug not in PAGES:
        raise Http404
    context = {"title": PAGES[slug], "slug": slug, "content": _content(slug)}
    if slug == "how-to-join":
        context["ages"] = _ages()
    return TemplateResponse(request, "recruitment/pages/page.html", context)


@require_safe
@public_page
def myths(request: HttpRequest) -> TemplateResponse:
    entries = list(Entry.objects.filter(published=True))
    context = {
        "myths": [e for e in entries if e.kind == Entry.Kind.MYTH],
        "questions": [e for e in entries if e.kind == Entry.Kind.QUESTION],
    }
    return TemplateResponse(request, "recruitment/pages/myths.html", context)
