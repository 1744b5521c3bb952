"""Drives in the admin: proposals to decide, drives to publish, send back or cancel, their
organisers, and read-only records of sign-ups, check-ins, downloads, messages and samples.

As everywhere in the admin (recruitment/admin.py), statuses and counters are read-only and
every action calls the service the organisers' pages use, so a drive's places or a
proposal's decision can never be changed past their rules.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from recruitment.admin_base import PERSON_FIELDS, ViewOnly, report
from recruitment.models import (
    CheckinAction,
    Drive,
    DriveExport,
    DriveMessage,
    DriveOrganiser,
    DriveProposal,
    DriveSignup,
    DriveWindow,
    Sample,
    in_language,
)
from recruitment.services.drive_desk import drive_cancel
from recruitment.services.organisers import (
    drive_missing,
    drive_publish,
    drive_send_back,
    organiser_deactivate,
    proposal_approve,
    proposal_decline,
)

BAR_WIDTH = 20  # characters of the text progress bar on the month's page


def percent(done: int, target: int) -> int | None:
    """How far sign-ups are towards the target, rounded down; None without a target."""
    return done * 100 // target if target else None


def signups_against_target(drive: Drive) -> str:
    share = percent(drive.signed_up, drive.target)
    if share is None:
        return f"{drive.signed_up} / —"
    return f"{drive.signed_up} / {drive.target} ({share}%)"


def text_bar(share: int | None) -> str:
    """A bar of characters (screen readers skip it: the page says the number beside it)."""
    filled = min(BAR_WIDTH, (share or 0) * BAR_WIDTH // 100)
    return "█" * filled + "░" * (BAR_WIDTH - filled)


class ReadOnlyRecords(admin.ModelAdmin):
    """Records made by the organisers' pages and the services: staff read them, nothing more."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _confirm(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[Any],
    *,
    action: str,
    title: str,
    question: str,
    button: str,
    reason_label: str = "",
    rows: list[str] | None = None,
) -> TemplateResponse:
    """The page between choosing an action and doing it, like Django's own "delete the
    selected" page: it lists the rows, asks once, and (for a decline) takes the reason."""
    opts = model_admin.model._meta
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": opts,
        "question": question,
        "button": button,
        "reason_label": reason_label,
        "queryset": queryset,
        "rows": rows if rows is not None else [str(obj) for obj in queryset],
        "action": action,
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
        "changelist_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
    }
    return TemplateResponse(request, "admin/recruitment/confirm_action.html", context)


@admin.register(DriveProposal)
class DriveProposalAdmin(ViewOnly):
    list_display = [
        "name",
        "organisation",
        "kind",
        "city",
        "proposed_on",
        "expected_people",
        "status",
        "created_at",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["name", "organisation", "email", "phone", "city", "place"]
    list_select_related = ["partner"]
    readonly_fields = [
        "status",
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
        "consent",
        "consented_at",
        "created_at",
        "decided_at",
        "decided_by",
        "drive",
    ]
    fields = tuple(readonly_fields)
    actions = ["approve", "decline"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # people propose on the site, with their consent

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(
        description=_("Approve: make the organiser's account and a draft drive"),
        permissions=["change"],
    )
    def approve(self, request: HttpRequest, queryset: QuerySet[DriveProposal]) -> None:
        now = timezone.now()
        ids = list(queryset.values_list("pk", flat=True))
        pending = set(
            queryset.filter(status=DriveProposal.Status.PENDING).values_list("pk", flat=True)
        )
        approved = 0
        for pk in ids:
            if pk in pending and proposal_approve(proposal_id=pk, by=request.user, now=now):
                approved += 1
        left = len(ids) - approved
        report(
            self,
            request,
            ngettext(
                "%(count)d proposal approved: its organiser has an email to set up their "
                "account, and a draft drive to fill in.",
                "%(count)d proposals approved: their organisers have an email to set up their "
                "accounts, and a draft drive each to fill in.",
                approved,
            )
            % {"count": approved},
            ngettext(
                "%(count)d proposal was already decided and was left as it was.",
                "%(count)d proposals were already decided and were left as they were.",
                left,
            )
            % {"count": left}
            if left
            else None,
        )

    @admin.action(
        description=_("Decline, with a reason for the proposer (asks first)"),
        permissions=["change"],
    )
    def decline(
        self, request: HttpRequest, queryset: QuerySet[DriveProposal]
    ) -> TemplateResponse | None:
        if request.POST.get("confirmed") != "yes":
            return _confirm(
                self,
                request,
                queryset,
                action="decline",
                title=gettext("Decline drive proposals"),
                question=gettext(
                    "Decline these proposals? Each proposer gets a kind email saying so, with "
                    "the reason below if you write one."
                ),
                button=gettext("Decline and send the emails"),
                reason_label=gettext("Reason for the proposer (optional, in their language)"),
            )
        reason = request.POST.get("reason", "")
        now = timezone.now()
        ids = list(queryset.values_list("pk", flat=True))
        declined = sum(
            proposal_decline(proposal_id=pk, by=request.user, now=now, reason=reason) for pk in ids
        )
        left = len(ids) - declined
        report(
            self,
            request,
            ngettext(
                "%(count)d proposal declined; the proposer has been told.",
                "%(count)d proposals declined; the proposers have been told.",
                declined,
            )
            % {"count": declined},
            ngettext(
                "%(count)d proposal was already decided and was left as it was.",
                "%(count)d proposals were already decided and were left as they were.",
                left,
            )
            % {"count": left}
            if left
            else None,
        )
        return None


class DriveWindowForm(forms.ModelForm):
    class Meta:
        model = DriveWindow
        fields = ["starts_at", "ends_at", "capacity"]

    def clean_capacity(self) -> int:
        capacity: int = self.cleaned_data["capacity"]
        taken = (
            DriveWindow.objects.filter(pk=self.instance.pk)
            .values_list("signed_up", flat=True)
            .first()
        )
        if taken is not None and capacity < taken:
            raise forms.ValidationError(
                gettext(
                    "%(taken)d people have signed up for this window: it cannot have fewer "
                    "places than that."
                )
                % {"taken": taken}
            )
        return capacity


class DriveWindowInline(admin.TabularInline):
    model = DriveWindow
    form = DriveWindowForm
    extra = 0
    fields = ["starts_at", "ends_at", "capacity", "signed_up"]
    readonly_fields = ["signed_up"]


class DriveOrganiserInline(admin.TabularInline):
    """Who runs the drive. Organisers invite each other on their own pages; an account is
    stopped in Drive organisers."""

    model = DriveOrganiser
    extra = 0
    readonly_fields = ["user", "invited_by", "active", "added_at"]
    fields = tuple(readonly_fields)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DriveForm(forms.ModelForm):
    class Meta:
        model = Drive
        exclude: list[str] = []

    def clean_capacity(self) -> int:
        capacity: int = self.cleaned_data["capacity"]
        if self.instance.pk is None or self.cleaned_data.get("kind") == Drive.Kind.APPEAL:
            return capacity
        taken = Drive.objects.filter(pk=self.instance.pk).values_list("signed_up", flat=True)
        if taken and capacity < taken[0]:
            raise forms.ValidationError(
                gettext(
                    "%(taken)d people have signed up: the drive cannot have fewer places than that."
                )
                % {"taken": taken[0]}
            )
        return capacity


class CityFilter(admin.SimpleListFilter):
    """Cities in the admin's language (a drive's city may be written in one language only)."""

    title = _("city")
    parameter_name = "city"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        names = {
            in_language(drive, "city")
            for drive in Drive.objects.only("city_ru", "city_en").order_by()
        }
        return [(name, name) for name in sorted(names) if name]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Drive]) -> QuerySet[Drive]:
        value = self.value()
        if not value:
            return queryset
        return queryset.filter(Q(city_ru=value) | Q(city_en=value))


@admin.register(Drive)
class DriveAdmin(admin.ModelAdmin):
    form = DriveForm
    change_list_template = "admin/recruitment/drive/change_list.html"
    list_display = [
        "title_column",
        "code",
        "city_column",
        "local_start",
        "kind",
        "status",
        "visibility",
        "signups_column",
    ]
    list_filter = ["status", "kind", "visibility", CityFilter]
    search_fields = ["code", "title_ru", "title_en"]
    list_select_related = ["partner"]
    readonly_fields = [
        "code",
        "status",
        "signed_up",
        "created_at",
        "published_at",
        "published_by",
        "finished_at",
        "cancelled_at",
    ]
    fieldsets = [
        (None, {"fields": ["code", "status", "kind", "visibility", "language", "partner"]}),
        (
            _("Time and places"),
            {"fields": ["time_zone", "starts_at", "ends_at", "capacity", "signed_up", "target"]},
        ),
        (_("Russian"), {"fields": ["title_ru", "description_ru", "venue_ru", "city_ru"]}),
        (_("English"), {"fields": ["title_en", "description_en", "venue_en", "city_en"]}),
        (
            _("History"),
            {
                "fields": [
                    "created_at",
                    "published_at",
                    "published_by",
                    "finished_at",
                    "cancelled_at",
                ]
            },
        ),
    ]
    inlines = [DriveWindowInline, DriveOrganiserInline]
    actions = ["publish", "send_back", "cancel"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a drive is cancelled (people are told), never deleted

    def save_model(self, request: HttpRequest, obj: Drive, form: Any, change: bool) -> None:
        """Only the fields staff changed are written: saving the whole row would write back
        the places taken and the status as the form read them, undoing a sign-up or a
        decision made since."""
        if not change:
            obj.save()
            return
        changed = [name for name in form.changed_data if name in form.base_fields]
        if changed:
            obj.save(update_fields=changed)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not DriveWindow:
            super().save_formset(request, form, formset, change)
            return
        formset.save(commit=False)
        for window in formset.deleted_objects:
            window.delete()  # a window anyone signed up for is protected, and the form says so
        for window in formset.new_objects:
            window.save()
        for window, fields in formset.changed_objects:
            # The window's places taken stay as the services counted them.
            window.save(update_fields=[name for name in fields if name != "signed_up"])

    def get_urls(self) -> list[URLPattern]:
        month = path(
            "this-month/",
            self.admin_site.admin_view(self.this_month_view),
            name="recruitment_drive_this_month",
        )
        return [month, *super().get_urls()]

    def this_month_view(self, request: HttpRequest) -> HttpResponse:
        """Every drive of a month (the drive's own day, where it happens) with its sign-ups
        against its target: the page staff open to see which drives need a push."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        first = _month_from(request.GET.get("month"), today)
        days = calendar.monthrange(first.year, first.month)[1]
        after = first + dt.timedelta(days=days)
        # A day later on each side catches drives on the month's edges in any time zone.
        window = (
            dt.datetime.combine(first - dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC),
            dt.datetime.combine(after + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC),
        )
        drives = [
            drive
            for drive in Drive.objects.filter(starts_at__range=window).select_related("partner")
            if drive.day is not None and first <= drive.day < after
        ]
        rows = []
        for drive in drives:
            share = percent(drive.signed_up, drive.target)
            rows.append({"drive": drive, "percent": share, "bar": text_bar(share)})
        previous = (first - dt.timedelta(days=1)).replace(day=1)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Drives this month"),
            "opts": self.model._meta,
            "month": first,
            "rows": rows,
            "signed_up": sum(d.signed_up for d in drives),
            "target": sum(d.target for d in drives),
            "previous": f"{previous:%Y-%m}",
            "next": f"{after:%Y-%m}",
            "current": f"{today:%Y-%m}",
            "is_current": first == today.replace(day=1),
        }
        return TemplateResponse(request, "admin/recruitment/drive/this_month.html", context)

    @admin.display(description=_("title"), ordering="title_ru")
    def title_column(self, obj: Drive) -> str:
        return obj.title or "—"

    @admin.display(description=_("city"))
    def city_column(self, obj: Drive) -> str:
        return obj.city

    @admin.display(description=_("starts"), ordering="starts_at")
    def local_start(self, obj: Drive) -> str:
        if obj.starts_at is None:
            return "—"
        return f"{obj.starts_at.astimezone(obj.zone):%Y-%m-%d %H:%M} ({obj.time_zone})"

    @admin.display(description=_("sign-ups / target"))
    def signups_column(self, obj: Drive) -> str:
        return signups_against_target(obj)

    @admin.action(description=_("Approve and publish"), permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Drive]) -> None:
        now = timezone.now()
        published = refused = 0
        for drive in queryset:
            if drive_publish(drive_id=drive.pk, by=request.user, now=now):
                published += 1
            else:
                refused += 1
        report(
            self,
            request,
            ngettext(
                "%(count)d drive published; its organisers have been told.",
                "%(count)d drives published; their organisers have been told.",
                published,
            )
            % {"count": published},
            ngettext(
                "%(count)d drive was not published: only a drive its organisers submitted, "
                "with all its details filled in, can be.",
                "%(count)d drives were not published: only a drive its organisers submitted, "
                "with all its details filled in, can be.",
                refused,
            )
            % {"count": refused}
            if refused
            else None,
        )

    @admin.action(description=_("Send back to the organiser as a draft"), permissions=["change"])
    def send_back(self, request: HttpRequest, queryset: QuerySet[Drive]) -> None:
        now = timezone.now()
        ids = list(queryset.values_list("pk", flat=True))
        sent = sum(drive_send_back(drive_id=pk, now=now) for pk in ids)
        left = len(ids) - sent
        report(
            self,
            request,
            ngettext(
                "%(count)d drive sent back to its organisers as a draft.",
                "%(count)d drives sent back to their organisers as drafts.",
                sent,
            )
            % {"count": sent},
            ngettext(
                "%(count)d drive was not waiting for approval and was left as it was.",
                "%(count)d drives were not waiting for approval and were left as they were.",
                left,
            )
            % {"count": left}
            if left
            else None,
        )

    @admin.action(
        description=_("Cancel and tell everyone signed up (asks first)"), permissions=["change"]
    )
    def cancel(self, request: HttpRequest, queryset: QuerySet[Drive]) -> TemplateResponse | None:
        if request.POST.get("confirmed") != "yes":
            active = [DriveSignup.Status.SIGNED_UP, DriveSignup.Status.WAITING]
            rows = []
            for drive in queryset:
                count = drive.signups.filter(status__in=active).count()
                rows.append(
                    ngettext(
                        "%(drive)s: %(count)d person signed up or waiting",
                        "%(drive)s: %(count)d people signed up or waiting",
                        count,
                    )
                    % {"drive": drive, "count": count}
                )
            return _confirm(
                self,
                request,
                queryset,
                action="cancel",
                title=gettext("Cancel drives"),
                question=gettext(
                    "Cancel these drives? Everyone signed up or waiting gets an email saying "
                    "the drive is cancelled. This cannot be undone."
                ),
                button=gettext("Cancel the drives and send the emails"),
                rows=rows,
            )
        now = timezone.now()
        ids = list(queryset.values_list("pk", flat=True))
        done = list(
            queryset.exclude(
                status__in=[Drive.Status.CANCELLED, Drive.Status.FINISHED]
            ).values_list("pk", flat=True)
        )
        told = sum(drive_cancel(drive_id=pk, now=now) for pk in done)
        left = len(ids) - len(done)
        report(
            self,
            request,
            ngettext("%(count)d drive cancelled.", "%(count)d drives cancelled.", len(done))
            % {"count": len(done)}
            + " "
            + ngettext("%(count)d person is being told.", "%(count)d people are being told.", told)
            % {"count": told},
            ngettext(
                "%(count)d drive was already over or cancelled and was left as it was.",
                "%(count)d drives were already over or cancelled and were left as they were.",
                left,
            )
            % {"count": left}
            if left
            else None,
        )
        return None

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """A submitted drive's page says what it still lacks before it can be published."""
        extra_context = extra_context or {}
        drive = Drive.objects.filter(pk=object_id).first() if object_id else None
        if drive is not None and drive.status in (Drive.Status.DRAFT, Drive.Status.SUBMITTED):
            missing = drive_missing(drive)
            if missing and request.method == "GET":
                labels = [_missing_label(drive, name) for name in missing]
                self.message_user(
                    request,
                    gettext("Before it can be published, this drive still needs: %(fields)s.")
                    % {"fields": ", ".join(labels)},
                    messages.WARNING,
                )
        return super().changeform_view(request, object_id, form_url, extra_context)


def _missing_label(drive: Drive, name: str) -> str:
    """The label of a field `drive_missing` names (its texts are the ones in the drive's
    language: title → title_ru for a drive in Russian)."""
    texts = ("title", "venue", "city", "description")
    field = f"{name}_{drive.language}" if name in texts else name
    return str(getattr(Drive._meta.get_field(field), "verbose_name", name))


def _month_from(raw: str | None, today: dt.date) -> dt.date:
    """The first day of the month in `?month=YYYY-MM`, or of this month."""
    try:
        chosen = dt.datetime.strptime(raw or "", "%Y-%m").date()
    except ValueError:
        return today.replace(day=1)
    return chosen if 2000 <= chosen.year <= 2100 else today.replace(day=1)


@admin.register(DriveOrganiser)
class DriveOrganiserAdmin(ReadOnlyRecords):
    list_display = ["user", "drive", "active", "invited_by", "added_at"]
    list_filter = ["active"]
    search_fields = ["user__username", "user__email", "user__last_name", "drive__code"]
    list_select_related = ["user", "drive", "invited_by"]
    readonly_fields = ["user", "drive", "invited_by", "active", "added_at"]
    fields = tuple(readonly_fields)
    actions = ["deactivate"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super(ReadOnlyRecords, self).has_change_permission(request)

    @admin.action(
        description=_("Deactivate the organiser's account (no sign-in, no drives)"),
        permissions=["change"],
    )
    def deactivate(self, request: HttpRequest, queryset: QuerySet[DriveOrganiser]) -> None:
        user_ids = sorted(set(queryset.values_list("user_id", flat=True)))
        stopped = organiser_deactivate(user_ids=user_ids)
        self.message_user(
            request,
            ngettext(
                "%(count)d organiser's account deactivated: they can no longer sign in, and "
                "their drives are no longer theirs to change.",
                "%(count)d organisers' accounts deactivated: they can no longer sign in, and "
                "their drives are no longer theirs to change.",
                stopped,
            )
            % {"count": stopped},
        )


@admin.register(DriveSignup)
class DriveSignupAdmin(ReadOnlyRecords):
    list_display = ["name", "drive", "window", "status", "walk_in", "email", "phone", "created_at"]
    list_filter = ["status", "walk_in", ("drive", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "email", "phone"]
    list_select_related = ["drive", "window__drive"]
    readonly_fields = [
        "drive",
        "window",
        "status",
        "walk_in",
        *PERSON_FIELDS,
        "registered_by",
        "checked_in_at",
        "checked_in_by",
        "cancelled_at",
    ]
    fields = tuple(readonly_fields)


@admin.register(CheckinAction)
class CheckinActionAdmin(ReadOnlyRecords):
    list_display = ["signup", "action", "by", "at"]
    list_filter = ["action"]
    list_select_related = ["signup__drive", "by"]
    readonly_fields = ["key", "signup", "action", "by", "at"]
    fields = tuple(readonly_fields)


@admin.register(DriveExport)
class DriveExportAdmin(ReadOnlyRecords):
    list_display = ["drive", "by", "at", "rows"]
    list_select_related = ["drive", "by"]
    readonly_fields = ["drive", "by", "at", "rows"]
    fields = tuple(readonly_fields)


@admin.register(DriveMessage)
class DriveMessageAdmin(ReadOnlyRecords):
    list_display = ["drive", "by", "at", "recipients"]
    list_select_related = ["drive", "by"]
    readonly_fields = ["drive", "by", "at", "recipients", "text"]
    fields = tuple(readonly_fields)


@admin.register(Sample)
class SampleAdmin(ReadOnlyRecords):
    list_display = ["taken_on", "drive", "signup", "recorded_at"]
    list_filter = [("drive", admin.RelatedOnlyFieldListFilter), "taken_on"]
    list_select_related = ["drive", "signup"]
    readonly_fields = ["signup", "drive", "taken_on", "recorded_at"]
    fields = tuple(readonly_fields)
