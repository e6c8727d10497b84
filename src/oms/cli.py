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
    execute_from_command_line([sys.argv[0], *_with_command_name(sys.argv[1:])])


def _with_command_name(args: list[str]) -> list[str]:
    """Commands are spelt with hyphens or underscores (``oms release-dates`` = ``oms release_dates``):
    Django names a command after its module, and module names cannot hold a hyphen."""
    if args and not args[0].startswith("-"):
        return [args[0].replace("-", "_"), *args[1:]]
    return args


if __name__ == "__main__":
    main()
