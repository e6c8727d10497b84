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
