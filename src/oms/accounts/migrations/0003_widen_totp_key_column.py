"""Room for encrypted TOTP secrets (security.md AUTH-4).

django-otp declares ``TOTPDevice.key`` as varchar(80) for a hex secret. OMS stores an AES-GCM
ciphertext of it (``oms.core.crypto``, about 100 characters plus the key id), so on PostgreSQL the
column is widened to 255. SQLite does not enforce varchar lengths. Only the database column changes:
the model state stays django-otp's, so no migration drift appears; the reverse is a no-op because
stored ciphertexts would not fit back.
"""

from django.db import migrations


def widen(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE "otp_totp_totpdevice" ALTER COLUMN "key" TYPE varchar(255)')


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_logon_security"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(widen, migrations.RunPython.noop)]
