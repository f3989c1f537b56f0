"""manage.py import_rubric FILE [--label LABEL]: a new draft from a rubric YAML file.

A file with problems creates nothing: every problem is printed, with its line, and the command
exits non-zero. The import runs in one transaction (services.rubric_import).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from principles import services
from principles.forms import label_problem
from principles.interchange import MAX_FILE_BYTES, RubricFileError, parse_yaml


class Command(BaseCommand):
    help = "Import a rubric YAML file as a new draft version."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="The rubric file to import.")
        parser.add_argument("--label", help="The new draft's label, instead of the label in the file.")

    def handle(self, *args, file: str, label: str | None = None, **options) -> None:
        path = Path(file)
        try:
            with path.open("rb") as f:
                content = f.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        try:
            data = parse_yaml(content)
        except RubricFileError as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            count = len(exc.problems)
            raise CommandError(
                f"{file} has {count} problem{'s' if count != 1 else ''}. Nothing was imported."
            ) from None
        label = label or data["label"]
        if problem := label_problem(label):
            raise CommandError(f"{problem}. Choose another label with --label.")
        draft = services.rubric_import(data=data, by=None, label=label)
        criteria = sum(len(p["criteria"]) for p in data["principles"])
        self.stdout.write(
            f"Imported {file} as draft {draft.label}: {len(data['principles'])} principles, "
            f"{criteria} criteria."
        )
