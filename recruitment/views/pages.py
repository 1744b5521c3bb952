from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.decorators import ratelimit

from recruitment import eligibility
from recruitment.eligibility import Outcome, Result, Rules
from recruitment.forms import BornForm, QuestionsForm, answers_from, field_name
from recruitment.models import Entry, RulesVersion
from recruitment.views.base import HtmxHttpRequest

PAGES = {
    "how-to-join": _("How to join the registry"),
    "how-donation-works": _("How donation works"),
    "about-transplants": _("About stem cell transplants"),
    "privacy": _("Privacy"),
}

PROOF_COOKIE = "eligibility_proof"


def _content(slug: str) -> str:
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    return f"recruitment/content/{language}/{slug}.html"


@require_safe
def home(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(request, "recruitment/home.html", {"content": _content("home")})


@require_safe
def page(request: HttpRequest, slug: str) -> TemplateResponse:
    if slug not in PAGES:
        raise Http404
    context = {"title": PAGES[slug], "slug": slug, "content": _content(slug)}
    return TemplateResponse(request, "recruitment/page.html", context)


@require_safe
def myths(request: HttpRequest) -> TemplateResponse:
    entries = list(Entry.objects.filter(published=True))
    context = {
        "myths": [e for e in entries if e.kind == Entry.Kind.MYTH],
        "questions": [e for e in entries if e.kind == Entry.Kind.QUESTION],
    }
    return TemplateResponse(request, "recruitment/myths.html", context)


def _checker_rate(group: str, request: HttpRequest) -> str:
    return str(settings.RATELIMIT_CHECKER)


@require_http_methods(["GET", "POST"])
@never_cache
@ratelimit(key="ip", rate=_checker_rate, method="POST", block=False)
def checker(request: HtmxHttpRequest) -> TemplateResponse:
    """The eligibility check. Answers live only in this request: never stored, never logged.

    With htmx the questions come one at a time (answers so far travel back as hidden fields);
    without JavaScript the date of birth is followed by one page with every question.
    """
    rules = RulesVersion.objects.current().rules()
    today = timezone.localdate()
    context: dict[str, Any] = {
        "rules": rules,
        "total": len(rules.conditions),
        "next": _safe_next(request),
    }

    if request.method == "GET":
        return _render_checker(request, context, stage="born", form=BornForm(today=today))
    if getattr(request, "limited", False):
        return _render_checker(request, context, stage="limited", status=429)

    born_form = BornForm(request.POST, today=today)
    if not born_form.is_valid():
        return _render_checker(request, context, stage="born", form=born_form)
    born = born_form.cleaned_data["born"]
    context["born"] = born

    starting = request.POST.get("stage") == "born"
    if not starting and request.POST.get("version") != str(rules.version):
        # The rules changed while this person was answering: their answers may not cover
        # the questions now asked, so the questions start again.
        context["rules_changed"] = True
        starting = True

    by_age = eligibility.judge_age(rules, born, today)
    if by_age is not None:
        return _render_result(request, context, by_age, today)

    if request.htmx:
        if request.POST.get("nav") == "back" and not answers_from(request.POST, rules):
            form = BornForm(initial={"born": born}, today=today)
            return _render_checker(request, context, stage="born", form=form)
        answers = {} if starting else _step_answers(request, rules)
        decided = any(answers.get(r.key) and r.outcome is Outcome.EXCLUDE for r in rules.conditions)
        pending = [rule for rule in rules.conditions if rule.key not in answers]
        if decided or not pending:
            return _render_result(
                request, context, eligibility.judge(rules, born, answers, today), today
            )
        answered = [r for r in rules.conditions if r.key in answers]
        context.update(
            rule=pending[0],
            field=field_name(pending[0].key),
            number=len(answered) + 1,
            hidden=[(field_name(r.key), "yes" if answers[r.key] else "no") for r in answered],
        )
        return _render_checker(request, context, stage="question")

    questions = QuestionsForm(None if starting else request.POST, rules=rules)
    if starting or not questions.is_valid():
        return _render_checker(request, context, stage="questions", form=questions)
    return _render_result(
        request, context, eligibility.judge(rules, born, questions.answers(), today), today
    )


def _safe_next(request: HttpRequest) -> str:
    """Where to continue after a passed check (the booking that sent the volunteer here)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _step_answers(request: HtmxHttpRequest, rules: Rules) -> dict[str, bool]:
    """Answers so far, plus the one just given, minus the last one when going back."""
    answers = answers_from(request.POST, rules)
    ordered = [rule.key for rule in rules.conditions if rule.key in answers]
    # Only an unbroken run from the first question counts; anything after a gap is dropped.
    run = [rule.key for rule in rules.conditions][: len(ordered)]
    answers = {key: answers[key] for key in run if key in answers}
    if request.POST.get("nav") == "back":
        if answers:
            answers.pop(next(reversed(answers)))
        return answers
    question = request.POST.get("question", "")
    given = request.POST.get("answer")
    pending = [rule.key for rule in rules.conditions if rule.key not in answers]
    if pending and question == pending[0] and given in ("yes", "no"):
        answers[question] = given == "yes"
    return answers


def _render_checker(
    request: HtmxHttpRequest,
    context: dict[str, Any],
    *,
    stage: str,
    status: int = 200,
    **extra: Any,
) -> TemplateResponse:
    context.update(stage=stage, **extra)
    template = "recruitment/checker.html"
    if request.htmx:
        template += "#checker"
    return TemplateResponse(request, template, context, status=status)


def _render_result(
    request: HtmxHttpRequest, context: dict[str, Any], result: Result, today: Any
) -> TemplateResponse:
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    context["result"] = result
    context["proof_days"] = settings.ELIGIBILITY_PROOF_MAX_AGE_DAYS
    context["causes"] = [
        {"question": rule.text(language, "question"), "reason": rule.text(language, "reason")}
        for rule in result.causes
    ]
    response = _render_checker(request, context, stage="result")
    if result.eligible:
        token = eligibility.proof_issue(
            version=context["rules"].version, checked_on=today, born_on=context["born"]
        )
        response.set_cookie(
            PROOF_COOKIE,
            token,
            max_age=settings.ELIGIBILITY_PROOF_MAX_AGE_DAYS * 24 * 3600,
            secure=settings.HTTPS,
            httponly=True,
            samesite="Lax",
        )
    return response
