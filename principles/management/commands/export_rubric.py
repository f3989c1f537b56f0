"""manage.py export_rubric [--version LABEL] [--output FILE]: a rubric version as a YAML file.

The same bytes as the download on the version's page, so a file exported here can be imported
on the page and the other way round.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from principles.interchange import dump_yaml, version_to_dict
from principles.models import RubricVersion
from principles.services import current_version


class Command(BaseCommand):
    help = "Write a rubric version as YAML: the current published version unless --version names one."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # Django gives every command --version (its own version number); here --version means
        # the rubric version, so let ours replace it.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--version", dest="label", help="The label of the version to export, such as 2026."
        )
        parser.add_argument("--output", help="Write to this file instead of standard output.")

    def handle(self, *args, label: str | None = None, output: str | None = None, **options) -> None:
        if label:
            version = RubricVersion.objects.filter(label=label).first()
            if version is None:
                raise CommandError(f"There is no rubric version called {label}.")
        else:
            version = current_version()
            if version is None:
                raise CommandError("No rubric version is published. Name one with --version.")
        text = dump_yaml(version_to_dict(version))
        if output:
            Path(output).write_bytes(text.encode("utf-8"))
            self.stderr.write(f"Wrote rubric version {version.label} to {output}.")
        else:
            self.stdout.write(text, ending="")
