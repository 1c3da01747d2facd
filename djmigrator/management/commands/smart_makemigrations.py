"""``manage.py smart_makemigrations``: compare, write migrations, apply them.

Parses options, calls one library function, renders, sets the exit status.
"""

from __future__ import annotations

import sys
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser

from djmigrator.api import compare, resolve_aliases, sync
from djmigrator.errors import DjmigratorError
from djmigrator.failures import check_migrations, reported
from djmigrator.report import Report
from djmigrator.reporting.baseline import (
    Baseline,
    apply_baseline,
    github_stale,
    load_baseline,
    stale_hint,
    summary,
    write_baseline,
)
from djmigrator.reporting.hints import with_suggestions
from djmigrator.reporting.render import render_text
from djmigrator.reporting.render_github import render_github


class Command(BaseCommand):
    help = (
        "Compare the models with the live database schema; without --check, "
        "write the missing migrations and apply them, faking what already exists."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        if parser.called_from_command_line:

            def error(message: str) -> NoReturn:
                sys.stderr.write(f"{subcommand}: error: {message} (see --help)\n")
                sys.exit(2)

            parser.error = error  # type: ignore[method-assign]
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "app_label", nargs="*", help="Limit to these apps (default: every installed app)."
        )
        parser.add_argument(
            "--database",
            action="append",
            dest="databases",
            metavar="ALIAS",
            help="Compare this alias (repeatable). Default: 'default'.",
        )
        parser.add_argument(
            "--all-databases", action="store_true", help="Compare every alias in DATABASES."
        )
        parser.add_argument(
            "--schema",
            action="append",
            dest="schemas",
            metavar="PATTERN",
            help="PostgreSQL: compare the schemas matching this glob (repeatable); "
            "with django-tenants, narrows the tenants compared.",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Compare and report only; write nothing. Exit 1 if drift is found.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print every action a sync would take, writing nothing.",
        )
        parser.add_argument(
            "--format",
            choices=["text", "json", "github"],
            default="text",
            help="Output format: text, json (one JSON document), or github "
            "(GitHub Actions workflow commands).",
        )
        parser.add_argument(
            "--baseline",
            metavar="FILE",
            help="Accept the differences listed in FILE: they are reported as accepted and "
            "do not count; entries no longer found are reported as stale (exit 1).",
        )
        parser.add_argument(
            "--update-baseline",
            action="store_true",
            help="With --check and --baseline FILE: write FILE with today's differences, "
            "keeping the reasons of entries already there; exit 0.",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Never prompt; fail with a clear message where an answer is needed.",
        )

    def handle(self, *args: str, **options: Any) -> None:
        app_labels = [*args, *(options.get("app_label") or ())]
        if options["databases"] and options["all_databases"]:
            raise CommandError("--database and --all-databases cannot be combined.", returncode=2)
        if options["check"] and options["dry_run"]:
            raise CommandError("--check and --dry-run cannot be combined.", returncode=2)
        if options["update_baseline"] and not (options["check"] and options["baseline"]):
            raise CommandError(
                "--update-baseline needs --check and --baseline FILE (the file to write).",
                returncode=2,
            )
        mode = "check" if options["check"] else "dry-run" if options["dry_run"] else "sync"
        named = options["databases"] or ([] if options["all_databases"] else ["default"])
        labels = list(app_labels) or None
        written: Baseline | None = None
        try:
            # a bad baseline file stops the run before any database work
            baseline = (
                load_baseline(options["baseline"], missing_ok=options["update_baseline"])
                if options["baseline"]
                else None
            )
            # what the library did not word itself (e.g. a file broken meanwhile)
            with reported(named[0] if len(named) == 1 else None):
                report = self._run(mode, labels, options, baseline)
            if baseline is not None and options["update_baseline"]:
                written = write_baseline(report, baseline.path, baseline, labels)
                report = apply_baseline(report, written, labels)
            elif baseline is not None:
                report = apply_baseline(report, baseline, labels)
        except DjmigratorError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self._render(report, mode, options)
        if written is not None:
            if options["format"] == "text" and options["verbosity"] >= 1:
                assert baseline is not None
                self.stdout.write(summary(written, baseline))
            return  # --update-baseline: exit 0
        if report.stale and options["format"] == "text" and options["verbosity"] >= 1:
            self.stdout.write(stale_hint(options["baseline"]))
        if report.stale and options["format"] == "github":
            for line in github_stale(report, options["baseline"]):
                self.stdout.write(line)
        # stale entries count as drift for the exit status (SPEC: "so the file
        # cannot rot"), though not for in_sync, which the SPEC defines as
        # "discrepancies is empty": a stale entry is no difference in the schema
        if not report.in_sync or report.stale:
            sys.exit(1)

    def _run(
        self,
        mode: str,
        app_labels: list[str] | None,
        options: dict[str, Any],
        baseline: Baseline | None = None,
    ) -> Report:
        kwargs: dict[str, Any] = {
            "all_databases": options["all_databases"],
        }
        using = options["databases"] or "default"
        if options.get("schemas"):
            kwargs["schemas"] = options["schemas"]
        if mode == "check":
            # a migration file that does not load, an inconsistent history:
            # exit 2, as for a sync
            check_migrations(resolve_aliases(using, all_databases=options["all_databases"]))
            return compare(using, app_labels, **kwargs)
        return sync(
            using,
            app_labels,
            dry_run=mode == "dry-run",
            interactive=options["interactive"],
            verbosity=options["verbosity"],
            baseline=baseline,
            **kwargs,
        )

    def _render(self, report: Report, mode: str, options: dict[str, Any]) -> None:
        if options["format"] == "json":
            self.stdout.write(report.to_json())
            return
        if options["format"] == "github":
            for line in render_github(report):
                self.stdout.write(line)
            return
        if options["verbosity"] >= 1:
            report = with_suggestions(report)  # the definitions the hints show
        for line in render_text(report, self.style, options["verbosity"], mode):
            self.stdout.write(line)
