"""``oms tokens create|revoke|list``: API tokens for partner systems and devices from the command line.

The operator acts as the system actor on the "cli" channel; scopes must still be permissions the
owner holds, the secret is printed once, and every change is audited.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from oms.accounts import queries, services
from oms.accounts.models import User
from oms.core.actor import Actor
from oms.core.errors import DomainError


class Command(BaseCommand):
    help = "Create, revoke or list API client tokens."

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True)
        create = verbs.add_parser("create", help="Create a token and print its secret once.")
        create.add_argument("--user", required=True, help="owner's username")
        create.add_argument("--name", required=True)
        create.add_argument("--scope", action="append", required=True, help="a permission name; repeat for more")
        create.add_argument("--days", type=int, default=90, help="days until it expires (1-365)")
        revoke = verbs.add_parser("revoke", help="Revoke a token by its id or its prefix.")
        revoke.add_argument("token")
        verbs.add_parser("list", help="List client tokens (prefixes only).")

    def handle(self, *args, verb, **options):
        actor = Actor.system(channel="cli", name="operator")
        try:
            with transaction.atomic():
                getattr(self, f"_{verb}")(actor, **options)
        except DomainError as exc:
            raise CommandError(exc.detail)

    def _create(self, actor, *, user, name, scope, days, **_):
        owner = User.objects.filter(username=user).first()
        if owner is None:
            raise CommandError(f"No user {user!r}.")
        issued = services.create_api_token(
            actor, owner_id=owner.public_id, name=name, scopes=scope, expires_in_days=days
        )
        self.stdout.write(
            f"Token {issued.token.public_id} for {owner.username}, scopes {', '.join(issued.token.scopes)}"
        )
        self.stdout.write(f"Secret (shown once): {issued.secret}")

    def _revoke(self, actor, *, token, **_):
        tokens = queries.api_tokens(actor)
        found = tokens.filter(prefix=token).first() if token.startswith("oms_") else None
        if found is None:
            try:
                found = tokens.filter(public_id=token).first()
            except ValidationError:  # a malformed id is simply not found
                found = None
        if found is None:
            raise CommandError("No such token.")
        services.revoke_api_token(actor, token_id=found.public_id)
        self.stdout.write(f"Revoked {found.prefix}… ({found.name}).")

    def _list(self, actor, **_):
        for token in queries.api_tokens(actor):
            state = "revoked" if token.revoked_at else f"expires {token.expires_at:%Y-%m-%d}"
            self.stdout.write(f"{token.public_id}  {token.prefix}…  {token.user.username:<20} {token.name}  {state}")
