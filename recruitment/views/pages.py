from __future__ import annotations

from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from recruitment.models import Entry
from recruitment.views.base import language

PAGES = {
    "how-to-join": _("How to join the registry"),
    "how-donation-works": _("How donation works"),
    "about-transplants": _("About stem cell transplants"),
    "privacy": _("Privacy"),
}


def _content(slug: str) -> str:
    return f"recruitment/pages/content/{language()}/{slug}.html"


@require_safe
def home(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(request, "recruitment/pages/home.html", {"content": _content("home")})


@require_safe
def page(request: HttpRequest, slug: str) -> TemplateResponse:
    if slug not in PAGES:
        raise Http404
    context = {"title": PAGES[slug], "slug": slug, "content": _content(slug)}
    return TemplateResponse(request, "recruitment/pages/page.html", context)


@require_safe
def myths(request: HttpRequest) -> TemplateResponse:
    entries = list(Entry.objects.filter(published=True))
    context = {
        "myths": [e for e in entries if e.kind == Entry.Kind.MYTH],
        "questions": [e for e in entries if e.kind == Entry.Kind.QUESTION],
    }
    return TemplateResponse(request, "recruitment/pages/myths.html", context)
