"""Which accounts the demo created, so demo-only commands never touch a real user."""

from django.conf import settings
from django.db import models


class DemoAccount(models.Model):
    """A staff account made by ``oms demo`` in demo mode, holding one seeded role (AUTH-5)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="demo_account")
    role_code = models.CharField(max_length=50)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["role_code"]

    def __str__(self) -> str:
        return f"demo account for {self.role_code}"
