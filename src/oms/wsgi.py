import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oms.settings")
application = get_wsgi_application()

from oms.core.checks import enforce_production_settings  # noqa: E402

enforce_production_settings()
