"""The ``oms`` command: Django's manage with OMS settings preset, e.g. ``oms audit verify``."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oms.settings")
    import django
    from django.core.management import execute_from_command_line

    django.setup()
    from oms.core.checks import enforce_production_settings

    enforce_production_settings()
    execute_from_command_line([sys.argv[0], *sys.argv[1:]])


if __name__ == "__main__":
    main()
