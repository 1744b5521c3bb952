"""Volunteers who organise drives: a proposal, staff's decision, the organiser's account, the
co-organisers they invite, and a drive's way from draft to published.

Organisers are ordinary user accounts (not staff) in the "organisers" group; they sign in on
the organisers' pages (never the admin) and see only their own drives
(`Drive.objects.of_organiser`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from recruitment.models import Drive, DriveOrganiser, DriveProposal, OutboxEmail
from recruitment.models.people import normalize_email
from recruitment.services.outbox import outbox_enqueue
from registry.locks import lock_one

ORGANISERS_GROUP = "organisers"
# A drive proposed for a day starts at this local time until the organiser sets its hours.
DEFAULT_HOURS = (dt.time(10), dt.time(16))
# The same proposal sent again within this time is taken for the first one.
SAME_PROPOSAL_WITHIN = dt.timedelta(days=1)


class NotReady(Exception):
    """A draft that lacks what a published drive needs; `missing` names the fields."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(", ".join(missing))
        self.missing = missing


def organiser_account(email: str, name: str = "") -> tuple[Any, bool]:
    """The organiser's account for this address (made without a usable password when new:
    they set one through the emailed link), in the organisers' group."""
    users = get_user_model()
    address = normalize_email(email)
    user = users.objects.filter(username=address).first()
    created = user is None
    if user is None:
        first, _space, last = name.strip().partition(" ")
        user = users.objects.create_user(
            username=address, email=address, first_name=first[:150], last_name=last[:150]
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
    group, _created = Group.objects.get_or_create(name=ORGANISERS_GROUP)
    user.groups.add(group)
    return user, created


def _account_email(user: Any, kind: str, language: str, drive: Drive | None) -> None:
    """Tell an organiser about a drive; a new account (or one never given a password) gets a
    one-time link to set its password."""
    link = OutboxEmail.Link.NONE if user.has_usable_password() else OutboxEmail.Link.PASSWORD
    outbox_enqueue(kind=kind, to=user.email, language=language, user=user, drive=drive, link=link)


def proposal_received(proposal: DriveProposal) -> None:
    outbox_enqueue(
        kind="drive-proposal-received",
        to=proposal.email,
        language=proposal.language,
        proposal=proposal,
    )


def proposal_create(*, fields: dict[str, Any], now: dt.datetime) -> DriveProposal:
    """Record someone's offer to host a drive and tell them staff will reply. The same
    proposal sent again (a second click, a refreshed page) while the first waits for a decision
    is that one: no second row, no second email."""
    with transaction.atomic():
        same = DriveProposal.objects.filter(
            status=DriveProposal.Status.PENDING,
            email__iexact=fields["email"],
            kind=fields["kind"],
            proposed_on=fields.get("proposed_on"),
            place=fields.get("place", ""),
            city=fields.get("city", ""),
            created_at__gt=now - SAME_PROPOSAL_WITHIN,
        ).first()
        if same is not None:
            return same
        proposal = DriveProposal.objects.create(**fields)
        proposal_received(proposal)
        return proposal


def proposal_approve(*, proposal_id: int, by: Any, now: dt.datetime) -> Drive | None:
    """Approve a proposal: the proposer gets an organiser account and a draft drive made from
    what they proposed, and an email to set their password. Approving twice does nothing more."""
    with transaction.atomic():
        proposal = lock_one(DriveProposal.objects.select_related("partner"), proposal_id)
        if proposal is None or proposal.status != DriveProposal.Status.PENDING:
            return proposal.drive if proposal is not None else None
        user, _created = organiser_account(proposal.email, proposal.name)
        zone = proposal.partner.time_zone if proposal.partner else "Europe/Moscow"
        drive = Drive(
            kind=proposal.kind,
            language=proposal.language,
            partner=proposal.partner,
            time_zone=zone,
            capacity=proposal.expected_people if proposal.kind == Drive.Kind.VENUE else 0,
            target=proposal.expected_people,
        )
        title = proposal.organisation or proposal.place or proposal.name
        setattr(drive, f"title_{proposal.language}", title[:150])
        setattr(drive, f"venue_{proposal.language}", proposal.place[:300])
        setattr(drive, f"city_{proposal.language}", proposal.city[:100])
        setattr(drive, f"description_{proposal.language}", proposal.message)
        if proposal.proposed_on is not None and proposal.kind == Drive.Kind.VENUE:
            drive.starts_at = dt.datetime.combine(
                proposal.proposed_on, DEFAULT_HOURS[0], tzinfo=drive.zone
            )
            drive.ends_at = dt.datetime.combine(
                proposal.proposed_on, DEFAULT_HOURS[1], tzinfo=drive.zone
            )
        drive.save()
        DriveOrganiser.objects.create(drive=drive, user=user)
        proposal.status = DriveProposal.Status.APPROVED
        proposal.decided_at = now
        proposal.decided_by = by
        proposal.drive = drive
        proposal.save(update_fields=["status", "decided_at", "decided_by", "drive"])
        _account_email(user, "organiser-welcome", proposal.language, drive)
        return drive


def proposal_decline(*, proposal_id: int, by: Any, now: dt.datetime, reason: str = "") -> bool:
    with transaction.atomic():
        proposal = lock_one(DriveProposal.objects.all(), proposal_id)
        if proposal is None or proposal.status != DriveProposal.Status.PENDING:
            return False
        proposal.status = DriveProposal.Status.DECLINED
        proposal.decided_at = now
        proposal.decided_by = by
        proposal.save(update_fields=["status", "decided_at", "decided_by"])
        outbox_enqueue(
            kind="drive-proposal-declined",
            to=proposal.email,
            language=proposal.language,
            proposal=proposal,
            note=reason.strip()[:600],
        )
        return True


def organiser_invite(
    *, drive: Drive, email: str, name: str, language: str, by: Any
) -> DriveOrganiser:
    """Add a co-organiser to the drive (an account is made for a new address) and tell them."""
    with transaction.atomic():
        user, _created = organiser_account(email, name)
        role, created = DriveOrganiser.objects.get_or_create(
            drive=drive, user=user, defaults={"invited_by": by}
        )
        if not created and not role.active:
            role.active = True
            role.save(update_fields=["active"])
        _account_email(user, "organiser-invited", language, drive)
        return role


REQUIRED_FOR_VENUE = ("title", "venue", "city", "starts_at", "ends_at", "capacity", "partner")
REQUIRED_FOR_APPEAL = ("title", "description")


def drive_missing(drive: Drive) -> list[str]:
    """What a draft still needs before staff can publish it (field names)."""
    required = REQUIRED_FOR_APPEAL if drive.is_appeal else REQUIRED_FOR_VENUE
    missing = []
    for name in required:
        if name in ("title", "venue", "city", "description"):
            value: Any = getattr(drive, f"{name}_{drive.language}")
        else:
            value = getattr(drive, name if name != "partner" else "partner_id")
        if not value:
            missing.append(name)
    return missing


def drive_submit(*, drive: Drive, now: dt.datetime) -> None:
    """The organiser sends the draft to staff. Raises NotReady naming what is missing."""
    missing = drive_missing(drive)
    if missing:
        raise NotReady(missing)
    if not drive.is_appeal and drive.ends_at is not None and drive.ends_at <= now:
        raise NotReady(["starts_at"])
    Drive.objects.filter(pk=drive.pk, status=Drive.Status.DRAFT).update(
        status=Drive.Status.SUBMITTED
    )


def drive_publish(*, drive_id: int, by: Any, now: dt.datetime) -> bool:
    """Staff approve a submitted drive: it is published and its organisers are told."""
    with transaction.atomic():
        drive = lock_one(Drive.objects.all(), drive_id)
        if drive is None or drive.status != Drive.Status.SUBMITTED or drive_missing(drive):
            return False
        drive.status = Drive.Status.PUBLISHED
        drive.published_at = now
        drive.published_by = by
        drive.save(update_fields=["status", "published_at", "published_by"])
        for role in drive.organisers.filter(active=True).select_related("user"):
            outbox_enqueue(
                kind="organiser-drive-published",
                to=role.user.email,
                language=drive.language,
                user=role.user,
                drive=drive,
            )
        return True


def organiser_deactivate(*, user_ids: list[int]) -> int:
    """Staff stop organisers' accounts (a drive misused, an account taken over): they can no
    longer sign in, their set-password links stop working, and every role on a drive ends.
    Staff accounts are never touched here. Returns how many accounts were stopped."""
    users = get_user_model()
    with transaction.atomic():
        accounts = users.objects.filter(
            pk__in=user_ids, is_staff=False, groups__name=ORGANISERS_GROUP
        ).distinct()
        ids = list(accounts.values_list("pk", flat=True))
        stopped = users.objects.filter(pk__in=ids, is_active=True).update(is_active=False)
        DriveOrganiser.objects.filter(user_id__in=ids, active=True).update(active=False)
        return int(stopped)


def drive_send_back(*, drive_id: int, now: dt.datetime) -> bool:
    """Staff return a submitted drive to its organisers as a draft (to change something)."""
    return bool(
        Drive.objects.filter(pk=drive_id, status=Drive.Status.SUBMITTED).update(
            status=Drive.Status.DRAFT
        )
    )
