from django.db import models


class AuditEvent(models.Model):
    """One audited fact. Never updated or deleted (triggers enforce it on SQLite and PostgreSQL)."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", "Success"
        DENIED = "denied", "Denied"
        FAILURE = "failure", "Failure"

    seq = models.BigIntegerField(unique=True)  # position in the hash chain, gapless from 1
    occurred_at = models.DateTimeField(db_index=True)
    actor_user_id = models.BigIntegerField(null=True, db_index=True)
    actor_username = models.CharField(max_length=150)
    organisation_id = models.BigIntegerField(null=True)
    channel = models.CharField(max_length=10)
    request_id = models.CharField(max_length=64, blank=True)
    source_ip = models.GenericIPAddressField(null=True)
    action = models.CharField(max_length=100, db_index=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    subject_person_id = models.BigIntegerField(null=True, db_index=True)
    site_id = models.BigIntegerField(null=True)
    changed_fields = models.JSONField(default=list)
    details = models.JSONField(default=dict)  # non-sensitive values only (AUD-2)
    reason = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]


class AuditChainHead(models.Model):
    """A single row (id=1) holding the last position and hash; locked to append in order."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)


class AuditCheckpoint(models.Model):
    """A signed pin of (seq, hash): proves the chain reached this position with this hash (AUD-5).

    Written every AUDIT_CHECKPOINT_INTERVAL events and by ``oms audit checkpoint``; the HMAC key is
    outside the database, so rows here can be deleted by a superuser but not forged. Append-only too.
    """

    seq = models.BigIntegerField(unique=True)
    hash = models.CharField(max_length=64)
    signature = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["seq"]


class AuditRetentionAnchor(models.Model):
    """Where the chain starts after a retention purge: the last purged position and its hash, signed.

    The first surviving event links to ``hash`` (its prev_hash), so ``oms audit verify`` checks the
    remaining chain from here instead of from the genesis hash. The signature uses its own context
    (rules.sign_retention_anchor), so an ordinary checkpoint cannot stand in for one: deleting the
    start of the chain without the signing key is still reported. Append-only like the events.
    """

    seq = models.BigIntegerField(unique=True)
    hash = models.CharField(max_length=64)
    signature = models.CharField(max_length=64)
    events_purged = models.BigIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["seq"]


class AuditPurgeAuthorisation(models.Model):
    """SQLite only: while a row here names ``through_seq``, the delete trigger lets events up to that
    position go. The retention purge writes it, deletes and removes it in one transaction, so no
    other transaction ever sees it (PostgreSQL uses a transaction-local setting instead)."""

    through_seq = models.BigIntegerField()
