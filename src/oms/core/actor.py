"""The Actor: who is acting, through which channel, with what permissions and scope.

Built once per request (``oms.accounts.middleware.ActorMiddleware``), per API token, per CLI command
or per job, and passed to every service and query. Services are the authority on permission and scope;
the Actor only carries the facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from oms.core.errors import NotFound, PermissionDenied

CHANNELS = ("web", "api", "cli", "job")


class Scope:
    """How far an actor's record access reaches."""

    NATIONAL = "national"  # every organisation (administrators, national analysts)
    ORGANISATION = "organisation"  # every site of the actor's organisation
    SITES = "sites"  # only the listed sites
    CASELOAD = "caseload"  # only people allocated to the actor, within the listed sites
    SELF = "self"  # a participant on the portal: only their own person record (people.PortalAccount)

    CHOICES = [
        (NATIONAL, "National"),
        (ORGANISATION, "Whole organisation"),
        (SITES, "Named sites"),
        (CASELOAD, "Own caseload"),
        (SELF, "Own record (participant portal)"),
    ]


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    channel: str = "web"
    organisation_id: int | None = None
    scope: str = Scope.SITES
    site_ids: frozenset[int] = frozenset()
    permissions: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()
    request_id: str = ""
    ip: str | None = None
    api_token_id: int | None = None
    is_system: bool = False
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    # --- permission ------------------------------------------------------------------------------
    def has(self, permission: str) -> bool:
        return self.is_system or permission in self.permissions

    def require(self, permission: str) -> None:
        """Raise PermissionDenied (403) unless the actor holds ``permission``."""
        if not self.has(permission):
            raise PermissionDenied(f"You need the '{permission}' permission.", code="auth.permission_denied")

    def lent(self, permission: str) -> Actor:
        """The same person, lent one more permission for one call into another area's service, when a
        decision they are entitled to make carries that consequence by itself: an adjudicator's award of
        additional days records the sentence adjustment, a records officer's new conviction makes the
        person's assessments due, a reception brings the person into the site's record. The called
        service still applies its own rules and audits under the real user; the lent actor is never kept."""
        return replace(self, permissions=self.permissions | {permission})

    # --- scope -------------------------------------------------------------------------------------
    @property
    def is_national(self) -> bool:
        return self.is_system or self.scope == Scope.NATIONAL

    def can_reach_site(self, site_id: int | None, site_organisation_id: int | None = None) -> bool:
        if self.is_national:
            return True
        if self.scope == Scope.ORGANISATION:
            return site_organisation_id is not None and site_organisation_id == self.organisation_id
        return site_id is not None and site_id in self.site_ids

    def require_site(self, site_id: int | None, site_organisation_id: int | None = None) -> None:
        """Out-of-scope answers exactly like a missing record (security.md AZ-3)."""
        if not self.can_reach_site(site_id, site_organisation_id):
            raise NotFound()

    @classmethod
    def system(cls, channel: str = "job", name: str = "system") -> Actor:
        """The actor for scheduled jobs and administrative CLI verbs run by the operator."""
        return cls(user_id=None, username=name, channel=channel, scope=Scope.NATIONAL, is_system=True)
