from django.contrib.auth.models import AbstractUser
from django.db import models

from oms.core.actor import Scope
from oms.core.models import PublicIdModel


class User(AbstractUser, PublicIdModel):
    """A member of staff, or a service account for a partner system or device (no interactive login)."""

    organisation = models.ForeignKey(
        "facilities.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    scope = models.CharField(max_length=20, choices=Scope.CHOICES, default=Scope.SITES)
    sites = models.ManyToManyField("facilities.Site", blank=True, related_name="staff")
    is_service_account = models.BooleanField(default=False)
    must_change_password = models.BooleanField(default=False)
    password_changed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)  # temporary accounts (AUTH-8)
    locked_at = models.DateTimeField(null=True, blank=True)  # set by lockout, cleared by an administrator
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=200, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["username"]


class Role(models.Model):
    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    seeded = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RolePermission(models.Model):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="grants")
    permission = models.CharField(max_length=100)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["role", "permission"], name="uniq_role_permission")]


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="user_grants")
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="uniq_user_role")]


class ApiToken(PublicIdModel):
    """A bearer token. The secret is shown once; only its SHA-256 is kept. Scopes narrow the owner's
    permissions (the token can never do more than its user)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
