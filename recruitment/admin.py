from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from recruitment.models import AgePolicy, Condition, Entry, RulesVersion
from recruitment.services import rules_publish


class PublishesRules(admin.ModelAdmin):
    """After any POST to these admin pages (a save, a list edit, a delete) the rules are frozen
    into a new version, once per request, so a list edit touching several rows makes one
    version; `rules_publish` makes none when nothing changed."""

    def _published(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if request.method == "POST":
            rules_publish(actor=request.user)
        return response

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._published(request, super().changeform_view(request, *args, **kwargs))

    def changelist_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._published(request, super().changelist_view(request, *args, **kwargs))

    def delete_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._published(request, super().delete_view(request, *args, **kwargs))


@admin.register(AgePolicy)
class AgePolicyAdmin(PublishesRules):
    list_display = ["__str__", "min_age", "max_age"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not AgePolicy.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Condition)
class ConditionAdmin(PublishesRules):
    list_display = ["question_en", "question_ru", "outcome", "deferral_months", "order", "active"]
    list_editable = ["order", "active"]
    list_filter = ["outcome", "active"]
    search_fields = ["key", "question_en", "question_ru"]
    prepopulated_fields = {"key": ["question_en"]}
    fieldsets = [
        (None, {"fields": ["key", "outcome", "deferral_months", "order", "active"]}),
        (_("Russian"), {"fields": ["question_ru", "help_ru", "reason_ru"]}),
        (_("English"), {"fields": ["question_en", "help_en", "reason_en"]}),
    ]


@admin.register(RulesVersion)
class RulesVersionAdmin(admin.ModelAdmin):
    """Old versions stay readable and can never be changed."""

    list_display = ["number", "created_at", "created_by", "age_bounds", "condition_count"]
    fields = ["number", "created_at", "created_by", "age_bounds", "conditions_table"]
    readonly_fields = ["number", "created_at", "created_by", "age_bounds", "conditions_table"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("ages"))
    def age_bounds(self, obj: RulesVersion) -> str:
        return f"{obj.snapshot['min_age']}–{obj.snapshot['max_age']}"

    @admin.display(description=_("conditions"))
    def condition_count(self, obj: RulesVersion) -> int:
        return len(obj.snapshot["conditions"])

    @admin.display(description=_("conditions"))
    def conditions_table(self, obj: RulesVersion) -> str:
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    c["key"],
                    c["outcome"],
                    c["deferral_months"] or "",
                    c["texts"]["ru"]["question"],
                    c["texts"]["en"]["question"],
                )
                for c in obj.snapshot["conditions"]
            ),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"
            "</thead><tbody>{}</tbody></table>",
            _("key"),
            _("outcome"),
            _("months"),
            _("question (Russian)"),
            _("question (English)"),
            rows,
        )


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["question_en", "question_ru", "kind", "order", "published"]
    list_editable = ["order", "published"]
    list_filter = ["kind", "published"]
    search_fields = ["question_en", "question_ru", "answer_en", "answer_ru"]
    fieldsets = [
        (None, {"fields": ["kind", "order", "published"]}),
        (_("Russian"), {"fields": ["question_ru", "answer_ru"]}),
        (_("English"), {"fields": ["question_en", "answer_en"]}),
    ]
