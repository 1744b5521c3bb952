"""The eligibility check."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from recruitment.forms import BornForm, QuestionsForm, answers_from, field_name
from recruitment.models import RulesVersion
from recruitment.services.eligibility import (
    PROOF_COOKIE,
    CheckerPlan,
    CheckerStep,
    checker_answer,
    checker_open,
    checker_plan,
    proof_from_cookies,
)
from recruitment.views.base import HtmxHttpRequest, language


def _checker_rate(group: str, request: HttpRequest) -> str:
    return str(settings.RATELIMIT_CHECKER)


@require_http_methods(["GET", "POST"])
@never_cache
@ratelimit(key="ip", rate=_checker_rate, method="POST", block=False)
def checker(request: HtmxHttpRequest) -> TemplateResponse:
    """The eligibility check. Answers live only in this request: never stored, never logged.

    With htmx the questions come one at a time (answers so far travel back as hidden fields);
    without JavaScript the date of birth is followed by one page with every question. Someone
    whose proof is from an older version of the rules answers only the questions changed since.
    """
    rules = RulesVersion.objects.current().rules()
    plan = checker_plan(rules=rules, proof=proof_from_cookies(request.COOKIES))
    today = timezone.localdate()
    context: dict[str, Any] = {
        "rules": plan.asked,
        "total": len(plan.asked.conditions),
        "next": _safe_next(request),
        "update_of": plan.update_of,
    }

    if request.method == "GET":
        step = checker_open(plan=plan, today=today, htmx=bool(request.htmx))
        return _render(request, context, plan, step, today)
    if getattr(request, "limited", False):
        return _render_checker(request, context, stage="limited", status=429)

    if plan.update_of is not None:
        born = plan.update_of.born_on
    else:
        born_form = BornForm(request.POST, today=today)
        if not born_form.is_valid():
            return _render_checker(request, context, stage="born", form=born_form)
        born = born_form.cleaned_data["born"]
    step = checker_answer(
        plan=plan,
        born=born,
        posted=request.POST,
        answers=answers_from(request.POST, plan.asked),
        today=today,
        htmx=bool(request.htmx),
    )
    return _render(request, context, plan, step, today)


def _safe_next(request: HttpRequest) -> str:
    """Where to continue after a passed check (the booking that sent the volunteer here)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _render(
    request: HtmxHttpRequest,
    context: dict[str, Any],
    plan: CheckerPlan,
    step: CheckerStep,
    today: dt.date,
) -> TemplateResponse:
    context.update(born=step.born, rules_changed=step.rules_changed)
    if step.stage == "born":
        initial = {"born": step.born} if step.born else None
        born_form = BornForm(initial=initial, today=today)
        return _render_checker(request, context, stage="born", form=born_form)
    if step.stage == "questions":
        questions = QuestionsForm(request.POST if step.bound else None, rules=plan.asked)
        return _render_checker(request, context, stage="questions", form=questions)
    if step.stage == "question":
        assert step.rule is not None
        context.update(
            rule=step.rule,
            field=field_name(step.rule.key),
            number=step.number,
            hidden=[(field_name(key), "yes" if yes else "no") for key, yes in step.answered],
        )
        return _render_checker(request, context, stage="question")
    return _render_result(request, context, step)


def _render_checker(
    request: HtmxHttpRequest,
    context: dict[str, Any],
    *,
    stage: str,
    status: int = 200,
    **extra: Any,
) -> TemplateResponse:
    context.update(stage=stage, **extra)
    template = "recruitment/eligibility/checker.html"
    if request.htmx:
        template += "#checker"
    return TemplateResponse(request, template, context, status=status)


def _render_result(
    request: HtmxHttpRequest, context: dict[str, Any], step: CheckerStep
) -> TemplateResponse:
    assert step.result is not None
    language_code = language()
    context["result"] = step.result
    context["proof_days"] = settings.ELIGIBILITY_PROOF_MAX_AGE_DAYS
    context["causes"] = [
        {
            "question": rule.text(language_code, "question"),
            "reason": rule.text(language_code, "reason"),
        }
        for rule in step.result.causes
    ]
    response = _render_checker(request, context, stage="result")
    if step.proof:
        response.set_cookie(
            PROOF_COOKIE,
            step.proof,
            max_age=settings.ELIGIBILITY_PROOF_MAX_AGE_DAYS * 24 * 3600,
            secure=settings.HTTPS,
            httponly=True,
            samesite="Lax",
        )
    return response
