from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from recruitment.models import (
    AgePolicy,
    Appointment,
    Closure,
    Condition,
    ConsentText,
    Entry,
    OpeningPattern,
    OutboxEmail,
    RulesVersion,
    Slot,
    TypingSite,
    WaitlistEntry,
)
from recruitment.services import rules_publish
from recruitment.services.booking import appointment_cancel
from recruitment.services.outbox import outbox_retry
from recruitment.services.slots import slots_generate


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


class OpeningPatternInline(admin.TabularInline):
    model = OpeningPattern
    extra = 0


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0


@admin.register(TypingSite)
class TypingSiteAdmin(admin.ModelAdmin):
    list_display = ["name_en", "city_en", "time_zone", "active"]
    list_filter = ["active", "time_zone"]
    search_fields = ["name_ru", "name_en", "city_ru", "city_en"]
    prepopulated_fields = {"slug": ["name_en"]}
    inlines = [OpeningPatternInline, ClosureInline]
    actions = ["generate_slots"]
    fieldsets = [
        (None, {"fields": ["slug", "active", "time_zone", "latitude", "longitude", "phone"]}),
        (
            _("Russian"),
            {
                "fields": [
                    "name_ru",
                    "city_ru",
                    "region_ru",
                    "address_ru",
                    "directions_ru",
                    "accessibility_ru",
                    "what_to_bring_ru",
                ]
            },
        ),
        (
            _("English"),
            {
                "fields": [
                    "name_en",
                    "city_en",
                    "region_en",
                    "address_en",
                    "directions_en",
                    "accessibility_en",
                    "what_to_bring_en",
                ]
            },
        ),
    ]

    @admin.action(description=_("Make the slots for the next eight weeks now"))
    def generate_slots(self, request: HttpRequest, queryset: QuerySet[TypingSite]) -> None:
        created = slots_generate(now=timezone.now(), sites=queryset)
        self.message_user(
            request,
            ngettext("%(count)d new slot.", "%(count)d new slots.", created) % {"count": created},
        )


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ["site", "local_time", "capacity", "booked", "free_places", "closed"]
    list_filter = ["site", "closed", ("day", admin.DateFieldListFilter)]
    date_hierarchy = "day"
    list_select_related = ["site"]
    readonly_fields = ["booked"]

    @admin.display(description=_("local time"), ordering="starts_at")
    def local_time(self, obj: Slot) -> str:
        return f"{obj.local_start:%Y-%m-%d %H:%M} ({obj.site.time_zone})"

    @admin.display(description=_("free"))
    def free_places(self, obj: Slot) -> int:
        return obj.free


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ["name", "site", "local_time", "status", "email", "phone", "booked_by"]
    list_filter = ["status", "slot__site", ("slot__day", admin.DateFieldListFilter)]
    search_fields = ["name", "email", "phone"]
    list_select_related = ["slot__site"]
    readonly_fields = [
        "slot",
        "name",
        "email",
        "phone",
        "born_on",
        "language",
        "consent",
        "consented_at",
        "rules_version",
        "rules_checked_on",
        "created_at",
        "cancelled_at",
        "booked_by",
    ]
    fields = [*readonly_fields[:1], "status", *readonly_fields[1:]]
    actions = ["cancel"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # staff book through the assisted booking page, with the same rules

    @admin.action(description=_("Cancel the selected appointments (for a caller who asks)"))
    def cancel(self, request: HttpRequest, queryset: QuerySet[Appointment]) -> None:
        now = timezone.now()
        cancelled = sum(
            appointment_cancel(appointment_id=pk, now=now) is not None
            for pk in queryset.filter(status=Appointment.Status.BOOKED).values_list("pk", flat=True)
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d appointment cancelled.", "%(count)d appointments cancelled.", cancelled
            )
            % {"count": cancelled},
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("site"), ordering="slot__site")
    def site(self, obj: Appointment) -> str:
        return str(obj.slot.site)

    @admin.display(description=_("local time"), ordering="slot__starts_at")
    def local_time(self, obj: Appointment) -> str:
        return f"{obj.slot.local_start:%Y-%m-%d %H:%M}"


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(admin.ModelAdmin):
    list_display = ["name", "site", "day", "status", "offer_expires_at", "created_at"]
    list_filter = ["status", "site"]
    search_fields = ["name", "email", "phone"]
    readonly_fields = ["offered_slot", "offer_expires_at", "appointment"]


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    """A new wording is a new version; accepted versions are never edited."""

    list_display = ["version", "published_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["version", "text_ru", "text_en", "published_at"] if obj else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = ["kind", "to", "language", "status", "attempts", "send_after", "sent_at"]
    list_filter = ["status", "kind", "language"]
    search_fields = ["to", "subject"]
    readonly_fields = [f.name for f in OutboxEmail._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Send the failed emails again"))
    def retry(self, request: HttpRequest, queryset: QuerySet[OutboxEmail]) -> None:
        count = outbox_retry(email_ids=queryset.values_list("pk", flat=True), now=timezone.now())
        self.message_user(
            request,
            ngettext("%(count)d email queued again.", "%(count)d emails queued again.", count)
            % {"count": count},
        )
