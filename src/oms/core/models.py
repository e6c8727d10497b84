"""Base model mixins shared by every app."""

import uuid

from django.db import models


class PublicIdModel(models.Model):
    """An opaque, unguessable id for URLs and the API (security.md DP-2): integer keys stay internal."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class IdempotencyRecord(models.Model):
    """The answer given to one ``Idempotency-Key`` (security.md API-1), so a retried create returns the
    first response instead of making a second record. The actor is kept as a plain key: core sits below
    accounts and must not point at users."""

    actor_key = models.CharField(max_length=80)
    scope = models.CharField(max_length=200)  # the operation, e.g. "POST /api/v1/people/"
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True)  # null while the first request runs
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["actor_key", "scope", "key"], name="uniq_idempotency_actor_scope_key")
        ]


class ScheduledJob(models.Model):
    """One row per periodic job named in settings.SCHEDULE: when it is next due and when it last ran.

    ``oms run_schedule`` enqueues due jobs as django-tasks tasks; the database worker runs them. The row
    lock taken while enqueueing keeps two schedulers from enqueueing the same run twice.
    """

    name = models.CharField(max_length=100, unique=True)
    next_run_at = models.DateTimeField()
    last_enqueued_at = models.DateTimeField(null=True, blank=True)


class OutboxMessage(models.Model):
    """A domain event written in the same transaction as the change that raised it (the outbox
    pattern): it exists exactly when the change committed. Later apps and partner feeds read it in id
    order and remember how far they got in ``OutboxCursor``; nothing here is ever updated or deleted
    by the writer, so a consumer can replay from any point."""

    name = models.CharField(max_length=100, db_index=True)  # "<app>.<entity>_<past verb>"
    payload = models.JSONField(default=dict)
    person_public_id = models.UUIDField(null=True, blank=True, db_index=True)
    site_code = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class OutboxCursor(models.Model):
    """How far one named consumer has read the outbox."""

    consumer = models.CharField(max_length=100, unique=True)
    last_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
