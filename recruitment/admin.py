from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, F, QuerySet, Sum, When
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from recruitment import admin_drives  # noqa: F401 - registers the drives' admin pages
from recruitment.admin_base import PERSON_FIELDS, ViewOnly, report
from recruitment.forms import phone_e164
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
    SmsOptOut,
    SmsReply,
    TypingSite,
    WaitlistEntry,
)
from recruitment.services.appointments import CannotMark, appointment_cancel, appointment_mark
from recruitment.services.eligibility import rules_publish
from recruitment.services.outbox import outbox_retry
from recruitment.services.sites import (
    SlotChangeRefused,
    slot_change,
    slot_delete,
    slots_generate,
)
from recruitment.services.waitlist import waitlist_leave


class SiteFilter(admin.RelatedFieldListFilter):
    """The typing-site filter, titled in the admin's language: the `site` foreign keys have
    no verbose name of their own, so Django would title it with the bare English field name."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.title = _("site")


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

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Changed opening hours or closures take effect at once, through the same service
        the hourly task runs: booked slots on a closed day are closed, never deleted."""
        super().save_related(request, form, formsets, change)
        hours_changed = any(formset.has_changed() for formset in formsets) or bool(
            {"time_zone", "active"} & set(form.changed_data)
        )
        if not hours_changed:
            return
        now = timezone.now()
        site = form.instance
        slots_generate(now=now, sites=[site])
        stranded = Appointment.objects.filter(
            status=Appointment.Status.BOOKED,
            slot__site=site,
            slot__closed=True,
            slot__starts_at__gt=now,
        ).count()
        if stranded:
            self.message_user(
                request,
                ngettext(
                    "%(count)d appointment is booked on a time that is now closed. The person "
                    "keeps it until you cancel it in Appointments.",
                    "%(count)d appointments are booked on times that are now closed. The people "
                    "keep them until you cancel them in Appointments.",
                    stranded,
                )
                % {"count": stranded},
                messages.WARNING,
            )

    @admin.action(
        description=_("Make the slots for the next eight weeks now"), permissions=["change"]
    )
    def generate_slots(self, request: HttpRequest, queryset: QuerySet[TypingSite]) -> None:
        created = slots_generate(now=timezone.now(), sites=queryset)
        self.message_user(
            request,
            ngettext("%(count)d new slot.", "%(count)d new slots.", created) % {"count": created},
        )


class SlotForm(forms.ModelForm):
    """Places and "closed" change through `slot_change`, which checks them against the
    bookings under the slot's lock. Its refusal can only become a form error while the form
    is validated, so the service is called here and `SlotAdmin.save_model` saves nothing."""

    class Meta:
        model = Slot
        fields = ["capacity", "closed"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.errors or not self.has_changed():
            return data
        try:
            self.instance = slot_change(
                slot_id=self.instance.pk,
                capacity=data["capacity"],
                closed=data["closed"],
                now=timezone.now(),
            )
        except SlotChangeRefused as refused:
            raise ValidationError({"capacity": refused.message}, code="booked") from None
        return data


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    """Slots are made by the opening hours (the hourly task deletes a slot they do not call
    for), so there is no "add" here. A slot's time is fixed once it exists; its places and
    whether it is closed change through `slot_change`."""

    list_display = ["site", "local_time", "capacity", "booked", "free_places", "closed"]
    list_filter = [("site", SiteFilter), "closed", ("day", admin.DateFieldListFilter)]
    date_hierarchy = "day"
    list_select_related = ["site"]
    form = SlotForm
    fields = ["site", "starts_at", "ends_at", "day", "capacity", "booked", "closed"]
    readonly_fields = ["site", "starts_at", "ends_at", "day", "booked"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.booked > 0:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # it would skip the check of each slot's bookings
        return actions

    def save_model(self, request: HttpRequest, obj: Slot, form: Any, change: bool) -> None:
        """`SlotForm.clean` saved the change through the service. Saving the row here would
        also write back `booked` as it was read, losing a booking made since."""

    def delete_model(self, request: HttpRequest, obj: Slot) -> None:
        if not slot_delete(slot_id=obj.pk):
            raise PermissionDenied  # someone booked it since the page was opened

    @admin.display(description=_("local time"), ordering="starts_at")
    def local_time(self, obj: Slot) -> str:
        return f"{obj.local_start:%Y-%m-%d %H:%M} ({obj.site.time_zone})"

    @admin.display(description=_("free"))
    def free_places(self, obj: Slot) -> int:
        return obj.free


def _mark_each(queryset: QuerySet[Appointment], status: str) -> tuple[int, int]:
    """Mark each row through `appointment_mark`: (how many changed, how many it refused).
    Rows that already have this status count as neither."""
    now = timezone.now()
    marked = refused = 0
    for pk in queryset.exclude(status=status).values_list("pk", flat=True):
        try:
            appointment_mark(appointment_id=pk, status=status, now=now)
        except CannotMark:
            refused += 1
        else:
            marked += 1
    return marked, refused


def _not_marked(refused: int) -> str | None:
    if not refused:
        return None
    return ngettext(
        "%(count)d appointment could not be marked: attendance is marked from the "
        "appointment's day on, and never for a cancelled appointment.",
        "%(count)d appointments could not be marked: attendance is marked from the "
        "appointment's day on, and never for a cancelled appointment.",
        refused,
    ) % {"count": refused}


@admin.register(Appointment)
class AppointmentAdmin(ViewOnly):
    list_display = ["name", "site", "local_time", "status", "email", "phone", "booked_by"]
    list_filter = [
        "status",
        ("slot__site", SiteFilter),
        ("slot__day", admin.DateFieldListFilter),
    ]
    search_fields = ["name", "email", "phone"]
    list_select_related = ["slot__site"]
    readonly_fields = ["slot", "status", *PERSON_FIELDS, "cancelled_at", "booked_by", "drive"]
    fields = tuple(readonly_fields)
    actions = ["cancel", "mark_attended", "mark_no_show", "mark_undo"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # staff book through the assisted booking page, with the same rules

    @admin.action(
        description=_("Cancel the selected appointments (for a caller who asks)"),
        permissions=["change"],
    )
    def cancel(self, request: HttpRequest, queryset: QuerySet[Appointment]) -> None:
        now = timezone.now()
        ids = list(queryset.values_list("pk", flat=True))
        cancelled = sum(appointment_cancel(appointment_id=pk, now=now) is not None for pk in ids)
        left = len(ids) - cancelled
        report(
            self,
            request,
            ngettext(
                "%(count)d appointment cancelled.", "%(count)d appointments cancelled.", cancelled
            )
            % {"count": cancelled},
            ngettext(
                "%(count)d appointment was not active and was left as it was.",
                "%(count)d appointments were not active and were left as they were.",
                left,
            )
            % {"count": left}
            if left
            else None,
        )

    @admin.action(description=_("Mark as attended"), permissions=["change"])
    def mark_attended(self, request: HttpRequest, queryset: QuerySet[Appointment]) -> None:
        marked, refused = _mark_each(queryset, Appointment.Status.ATTENDED)
        done = ngettext(
            "%(count)d appointment marked as attended.",
            "%(count)d appointments marked as attended.",
            marked,
        )
        report(self, request, done % {"count": marked}, _not_marked(refused))

    @admin.action(description=_("Mark as did not come"), permissions=["change"])
    def mark_no_show(self, request: HttpRequest, queryset: QuerySet[Appointment]) -> None:
        marked, refused = _mark_each(queryset, Appointment.Status.NO_SHOW)
        done = ngettext(
            "%(count)d appointment marked as did not come.",
            "%(count)d appointments marked as did not come.",
            marked,
        )
        report(self, request, done % {"count": marked}, _not_marked(refused))

    @admin.action(description=_("Undo the mark (on the appointment's day)"), permissions=["change"])
    def mark_undo(self, request: HttpRequest, queryset: QuerySet[Appointment]) -> None:
        undone, refused = _mark_each(queryset, Appointment.Status.BOOKED)
        done = ngettext("%(count)d mark taken back.", "%(count)d marks taken back.", undone)
        why = ngettext(
            "%(count)d mark could not be taken back: a mark is taken back on the appointment's "
            "day only, and not for someone who has booked again since.",
            "%(count)d marks could not be taken back: a mark is taken back on the appointment's "
            "day only, and not for someone who has booked again since.",
            refused,
        )
        report(
            self, request, done % {"count": undone}, why % {"count": refused} if refused else None
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("site"), ordering="slot__site")
    def site(self, obj: Appointment) -> str:
        return str(obj.slot.site)

    @admin.display(description=_("local time"), ordering="slot__starts_at")
    def local_time(self, obj: Appointment) -> str:
        return f"{obj.slot.local_start:%Y-%m-%d %H:%M}"


# Waiting and offered entries are on the list; an offered one holds a counted place.
OPEN_ENTRY = (WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED)


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ViewOnly):
    """People join through the site and leave through `waitlist_leave`; a held offer counts as
    a booked place, so neither the status nor the offer is edited by hand. The place in the
    queue is the time of joining, so that is not edited either."""

    list_display = ["name", "site", "day", "status", "offer_expires_at", "created_at"]
    list_filter = ["status", ("site", SiteFilter)]
    search_fields = ["name", "email", "phone"]
    list_select_related = ["site"]
    readonly_fields = [
        "site",
        "day",
        "status",
        "offered_slot",
        "offer_expires_at",
        "appointment",
        *PERSON_FIELDS,
    ]
    fields = tuple(readonly_fields)
    actions = ["leave"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # people join through the site, with its eligibility check

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Only an entry that is over (its statuses never go back), to erase someone's
        details; a waiting or offered one is taken off the list instead."""
        if obj is not None and obj.status in OPEN_ENTRY:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # it would skip the check of each entry
        return actions

    @admin.action(description=_("Take off the waiting list"), permissions=["change"])
    def leave(self, request: HttpRequest, queryset: QuerySet[WaitlistEntry]) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        left = waitlist_leave(entry_ids=ids, now=timezone.now())
        rest = len(ids) - left
        report(
            self,
            request,
            ngettext(
                "%(count)d person taken off the waiting list.",
                "%(count)d people taken off the waiting list.",
                left,
            )
            % {"count": left},
            ngettext(
                "%(count)d entry was no longer waiting or holding an offer and was left as it was.",
                "%(count)d entries were no longer waiting or holding an offer and were left as "
                "they were.",
                rest,
            )
            % {"count": rest}
            if rest
            else None,
        )


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    """A new wording is a new version; accepted versions are never edited."""

    list_display = ["version", "published_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["version", "text_ru", "text_en", "published_at"] if obj else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboxEmail)
class OutboxEmailAdmin(ViewOnly):
    """Emails and SMS, as sent with their links cut out (`subject` and `body_text` are written
    only after sending); no row holds a token that opens anything. Failures come first, and the
    list is headed by counts for the last day and week, by channel and status (with the SMS
    cost in parts)."""

    list_display = [
        "kind",
        "channel",
        "to",
        "language",
        "status",
        "delivery",
        "segments",
        "attempts",
        "send_after",
        "sent_at",
        "error_short",
    ]
    list_filter = ["status", "channel", "kind", "delivery", "language"]
    search_fields = ["to", "subject"]
    readonly_fields = [f.name for f in OutboxEmail._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[OutboxEmail]:
        failed_first = Case(When(status=OutboxEmail.Status.FAILED, then=0), default=1)
        return super().get_queryset(request).annotate(failed_first=failed_first)

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        return [F("failed_first").asc(), "-created_at"]

    @admin.display(description=_("last error"))
    def error_short(self, obj: OutboxEmail) -> str:
        return obj.last_error[:80]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {**(extra_context or {}), "counts": outbox_counts(timezone.now())}
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Send the failed messages again"), permissions=["change"])
    def retry(self, request: HttpRequest, queryset: QuerySet[OutboxEmail]) -> None:
        count = outbox_retry(email_ids=queryset.values_list("pk", flat=True), now=timezone.now())
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", count)
            % {"count": count},
        )


def outbox_counts(now: dt.datetime) -> list[dict[str, Any]]:
    """Rows for the outbox's head: per channel, messages by status and SMS parts, created in
    the last day and the last week."""
    periods = ((_("last 24 hours"), 1), (_("last 7 days"), 7))
    rows = []
    for label, days in periods:
        for channel, channel_label in OutboxEmail.Channel.choices:
            found = OutboxEmail.objects.filter(
                channel=channel, created_at__gte=now - dt.timedelta(days=days)
            )
            by_status = dict(found.values_list("status").annotate(n=Count("pk")).order_by())
            rows.append(
                {
                    "period": label,
                    "channel": channel_label,
                    "statuses": [
                        (status_label, by_status.get(status, 0))
                        for status, status_label in OutboxEmail.Status.choices
                    ],
                    "segments": found.aggregate(n=Sum("segments"))["n"] or 0,
                    "sms": channel == OutboxEmail.Channel.SMS,
                }
            )
    return rows


class SmsOptOutForm(forms.ModelForm):
    class Meta:
        model = SmsOptOut
        fields = ["phone", "reason"]

    def clean_phone(self) -> str:
        """In international form, as bookings keep it, so the stop applies to them."""
        return phone_e164(self.cleaned_data["phone"])


@admin.register(SmsOptOut)
class SmsOptOutAdmin(admin.ModelAdmin):
    """Numbers that get no SMS: those that replied STOP, and those staff add (a caller who asks
    by phone). Deleting a row lets SMS go to the number again, for bookings that opt in."""

    list_display = ["phone", "created_at", "reason"]
    search_fields = ["phone"]
    form = SmsOptOutForm


@admin.register(SmsReply)
class SmsReplyAdmin(ViewOnly):
    list_display = ["received_at", "phone", "text", "outcome", "appointment", "drive_signup"]
    list_filter = ["outcome"]
    search_fields = ["phone", "text"]
    readonly_fields = [f.name for f in SmsReply._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
