"""``oms conformance <suite> PATH``: check OMS's rules against published cases (a folder or a file).

Prints ``matched N of M`` and then one line per mismatch (case, item, expected, got). Mismatches are
findings, not failures: the command exits 0 unless the suite is unknown or the path does not exist or
is not what the suite reads (each runner decides whether it takes a folder, a file or both).
Suites are registered by the apps that own the rules (``oms.core.conformance.register``).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from oms.core import conformance


class Command(BaseCommand):
    help = "Check a rule engine against published cases (a folder or a file) and list every mismatch."

    def add_arguments(self, parser):
        parser.add_argument("suite", help="suite name, e.g. moj-crd")
        parser.add_argument("path", help="folder or file holding the published cases")

    def handle(self, *args, **options):
        runner = conformance.get(options["suite"])
        if runner is None:
            known = ", ".join(conformance.names()) or "none registered"
            raise CommandError(f"Unknown conformance suite {options['suite']!r} (known: {known}).")
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"{path} does not exist.")
        try:
            report = runner(path)
        except (FileNotFoundError, NotADirectoryError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(report.summary())
        for m in report.mismatches:
            self.stdout.write(f"{m.case}\t{m.item}\texpected {m.expected}\tgot {m.got}")
