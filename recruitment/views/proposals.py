"""Offering to host a drive: the proposal form and its thanks page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from recruitment.forms_proposals import ProposalForm
from recruitment.models import ConsentText
from recruitment.services.organisers import proposal_create
from recruitment.views.base import done_get, done_set, language, limited

FORM = "recruitment/proposals/host.html"
PROPOSAL_FIELDS = (
    "kind",
    "name",
    "organisation",
    "email",
    "phone",
    "language",
    "proposed_on",
    "place",
    "city",
    "expected_people",
    "partner",
    "message",
)


@require_http_methods(["GET", "POST"])
@never_cache
def host_drive(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    today = timezone.localdate(now)
    context: dict[str, Any] = {"consent": ConsentText.objects.current()}
    if request.method == "GET":
        context["form"] = ProposalForm(
            today=today, initial={"language": language(), "kind": "venue"}
        )
        return TemplateResponse(request, FORM, context)
    form = ProposalForm(request.POST, today=today)
    context["form"] = form
    valid = form.is_valid()
    # Only well-formed proposals count against an address: junk posts with someone's email
    # never lock that person out.
    wait = limited(request, email=form.cleaned_data["email"] if valid else "", group="propose")
    if wait:
        context["wait_minutes"] = max(1, -(-wait // 60))
        limited_page = TemplateResponse(
            request, "recruitment/proposals/limited.html", context, status=429
        )
        limited_page["Retry-After"] = str(wait)
        return limited_page
    if not valid:
        return TemplateResponse(request, FORM, context)
    data = form.cleaned_data
    if not data["website"]:  # a bot that filled the honeypot sees the usual page
        fields = {name: data[name] for name in PROPOSAL_FIELDS}
        fields.update(consent=context["consent"], consented_at=now)
        if fields["kind"] != "venue":
            fields["proposed_on"] = None  # an appeal has no day of its own
        proposal_create(fields=fields, now=now)
    response = HttpResponseRedirect(reverse("host-drive-thanks"))
    return done_set(response, email=data["email"])


@require_safe
@never_cache
def host_drive_thanks(request: HttpRequest) -> HttpResponse:
    """The same page however often it is opened; it names the address when it has just been
    given (the signed "done" cookie), and never says whether a proposal was new."""
    context = {"email": done_get(request).get("email", "")}
    return TemplateResponse(request, "recruitment/proposals/thanks.html", context)
