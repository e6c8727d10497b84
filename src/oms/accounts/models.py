from binascii import unhexlify

from django.contrib.auth.models import AbstractUser
from django.db import models
from django_otp.plugins.otp_totp.models import TOTPDevice

from oms.core import crypto
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
    # Failures before this instant no longer count towards a lockout (set by unlock and by a full logon).
    failures_reset_at = models.DateTimeField(null=True, blank=True)

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

    class Kind(models.TextChoices):
        CLIENT = "client", "API client (scoped)"
        LOGON = "logon", "Personal logon token"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    # A logon token (POST /api/v1/accounts/login, password and TOTP checked) carries its user's own
    # permissions for a short time; a client token carries only its scopes.
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CLIENT)
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)


class LoginAttempt(models.Model):
    """One logon attempt (password, second factor or step-up), kept for the lockout window (AUTH-1) and
    the per-IP throttle (AUTH-2). A table, not a cache, so every process on the machine sees the same
    counts and the record survives restarts."""

    class Kind(models.TextChoices):
        PASSWORD = "password", "Password"
        SECOND_FACTOR = "mfa", "Second factor"
        STEP_UP = "step_up", "Step-up re-authentication"

    username = models.CharField(max_length=150)  # as typed, lower-cased: unknown names count too
    user = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    ip = models.GenericIPAddressField(null=True, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    succeeded = models.BooleanField(default=False)
    attempted_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["username", "attempted_at"]),
            models.Index(fields=["ip", "kind", "attempted_at"]),
        ]


class UserSession(models.Model):
    """A browser session of a user, for "my sessions" and to end every session of a disabled user."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="web_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]
        indexes = [models.Index(fields=["user", "ended_at"])]


class RecoveryCode(models.Model):
    """A single-use recovery code for a lost authenticator, stored as a password hash (AUTH-4)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)


class ProtectedTOTPDevice(TOTPDevice):
    """django-otp's TOTP device, reading a secret that OMS stores encrypted (AUTH-4).

    django-otp owns the ``key`` column (a hex secret). OMS writes it as an AES-GCM ciphertext from
    ``oms.core.crypto`` (migration 0003 widens the column on PostgreSQL to fit); ``bin_key`` decrypts
    on use. Read secrets through this class: django-otp's own TOTPDevice sees
    only the ciphertext. Rows written in plain hex by other means (django-otp directly, the shared
    test factory) still verify; ``oms encrypt_totp_secrets`` encrypts them in place.
    """

    class Meta:
        proxy = True

    @property
    def bin_key(self) -> bytes:
        if self.key.startswith(crypto.PREFIX + ":"):
            return unhexlify(crypto.decrypt(self.key).encode())
        return unhexlify(self.key.encode())

    def get_throttle_factor(self) -> int:
        # OMS's own lockout (5 failures in the window) and per-IP throttle replace django-otp's
        # per-device back-off, which would otherwise also reject the next correct code for a while.
        return 0
