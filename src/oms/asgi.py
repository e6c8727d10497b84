import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oms.settings")
application = get_asgi_application()

from oms.core.checks import enforce_production_settings  # noqa: E402

enforce_production_settings()
