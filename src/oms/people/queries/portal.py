"""The participant portal's one lookup: the signed-in participant's own person record."""

from __future__ import annotations

from oms.core.actor import Actor, Scope
from oms.core.errors import NotFound
from oms.core.notifications import Recipient
from oms.people.models import Person, PortalAccount


def portal_person(actor: Actor) -> Person:
    """The person an open portal account links this actor to. Raises NotFound (code
    ``people.portal_not_linked``) for anyone else, staff included: portal pages never take a person from
    the URL, so there is nothing else they could show."""
    if actor.scope != Scope.SELF or actor.user_id is None:
        raise NotFound("No portal account.", code="people.portal_not_linked")
    account = (
        PortalAccount.objects.select_related("person")
        .filter(user_id=actor.user_id, closed_at__isnull=True)
        .order_by("-opened_at")
        .first()
    )
    if account is None or account.person.merged_into_id is not None:
        raise NotFound("No portal account.", code="people.portal_not_linked")
    return account.person


def open_portal_account_of(person: Person) -> PortalAccount | None:
    """The person's open portal account, for staff who manage it (the caller has checked permission)."""
    return PortalAccount.objects.select_related("user").filter(person=person, closed_at__isnull=True).first()


def portal_recipients(person: Person) -> tuple[Recipient, ...]:
    """Where the person's own notices go (check-in reminders, messages, due dates): the e-mail and phone of
    their open, active portal account. Empty without one: the person record holds no contact details of
    the person's own, and nobody is messaged at an address they did not give for it."""
    accounts = PortalAccount.objects.select_related("user").filter(
        person=person, closed_at__isnull=True, user__is_active=True
    )
    name = f"{person.given_name} {person.family_name}"
    return tuple(Recipient(name, account.user.email or "", account.phone) for account in accounts)
