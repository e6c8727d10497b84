"""Participant portal accounts: a sign-in for the person themself, seeing only their own record.

Opened by the officer or coordinator who works with the person (people.manage_portal_accounts, person in
scope). The account is an ordinary user (password rules, TOTP enrolment at first sign-in, lockout and
timeouts all apply) with the ``participant`` role and ``Scope.SELF``; the one-time password is returned
once, to be handed over in person, and must be changed at first sign-in. Closing the account disables the
user and ends their sessions; the row stays for the audit trail.
"""

from __future__ import annotations

from django.db import transaction

from oms.accounts.models import Role, User, UserRole
from oms.accounts.services import disable_participant_user, one_time_password
from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor, Scope
from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.people.models import PortalAccount
from oms.people.services._common import _person_for_change

PARTICIPANT_ROLE = "participant"
MANAGE = "people.manage_portal_accounts"


def _valid_phone(phone: str) -> str:
    """A phone number for text reminders: digits, spaces and an optional leading +, 7 to 15 digits."""
    phone = (phone or "").strip()
    digits = phone[1:] if phone.startswith("+") else phone
    if phone and (not digits.replace(" ", "").isdigit() or not 7 <= len(digits.replace(" ", "")) <= 15):
        raise RuleViolation(
            "Enter a telephone number, like 07700 900 982 or +44 7700 900 982", code="people.phone", field="phone"
        )
    return phone


@transaction.atomic
def open_portal_account(
    actor: Actor, person_public_id, *, username: str, email: str = "", phone: str = ""
) -> tuple[User, str]:
    """A new participant user linked to the person; returns the user and their one-time password."""
    person = _person_for_change(actor, MANAGE, person_public_id)
    username = (username or "").strip()
    if not username:
        raise RuleViolation("Enter a username.", code="people.required", field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict("That username is already taken.", code="accounts.username_taken", field="username")
    if PortalAccount.objects.filter(person=person, closed_at__isnull=True).exists():
        raise Conflict(
            "This person already has an open portal account.", code="people.portal_account_open", field="username"
        )
    password = one_time_password()
    user = User(
        username=username,
        first_name=person.given_name,
        last_name=person.family_name,
        email=email.strip(),
        organisation_id=actor.organisation_id,
        scope=Scope.SELF,
        must_change_password=True,
        password_changed_at=clock.now(),
        last_seen_at=clock.now(),
    )
    user.set_password(password)
    user.save()
    UserRole.objects.create(user=user, role=Role.objects.get(code=PARTICIPANT_ROLE))
    account = PortalAccount.objects.create(
        user=user, person=person, phone=_valid_phone(phone), opened_at=clock.now(), opened_by_id=actor.user_id
    )
    record_event(
        actor,
        "people.portal_account_opened",
        object_type="portal_account",
        object_id=account.pk,
        subject_person_id=person.pk,
        changed_fields=["username"] + (["email"] if email else []) + (["phone"] if phone else []),
        details={"username": username},
    )
    return user, password


@transaction.atomic
def close_portal_account(actor: Actor, person_public_id, *, reason: str) -> PortalAccount:
    """Close the person's open portal account and disable its user (their sessions end)."""
    person = _person_for_change(actor, MANAGE, person_public_id)
    if not (reason or "").strip():
        raise RuleViolation("Enter why the account is closed.", code="people.required", field="reason")
    account = PortalAccount.objects.select_for_update().filter(person=person, closed_at__isnull=True).first()
    if account is None:
        raise NotFound("This person has no open portal account.", code="people.portal_not_linked")
    account.closed_at = clock.now()
    account.closed_reason = reason.strip()
    account.save(update_fields=["closed_at", "closed_reason"])
    disable_participant_user(actor, account.user, reason=reason.strip())
    record_event(
        actor,
        "people.portal_account_closed",
        object_type="portal_account",
        object_id=account.pk,
        subject_person_id=person.pk,
        changed_fields=["closed_at"],
        details={"username": account.user.username, "reason": reason.strip()},
    )
    return account
