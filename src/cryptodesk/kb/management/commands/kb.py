"""cryptodesk kb reindex | search "QUERY" [--lang] [--json] | import DIR"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from cryptodesk.core.errors import ValidationFailed
from cryptodesk.kb.actions import do_import_directory, do_reindex_all, indexing_deferred
from cryptodesk.kb.markdown_files import find_article_files
from cryptodesk.kb.models import SearchSource
from cryptodesk.kb.search import ENCODER_NAME, encode_texts, search_articles
from cryptodesk.kb.text import normalise_language


class Command(BaseCommand):
    help = "Help-center tools: rebuild the search index, search it, import Markdown articles."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("reindex", help="Rebuild the search index of all published articles.")
        search = actions.add_parser("search", help="Search the public help center.")
        search.add_argument("query")
        search.add_argument("--lang", default="", help="en, zh-Hans or zh-Hant (default: guess)")
        search.add_argument("--limit", type=int, default=10)
        search.add_argument("--json", action="store_true", help='Print {"results": [...]}.')
        search.add_argument(
            "--internal", action="store_true", help="Include internal (agent-only) articles."
        )
        importer = actions.add_parser(
            "import", help="Import Markdown files with front matter (and categories.json)."
        )
        importer.add_argument("directory", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "reindex":
            self.reindex()
        elif action == "search":
            self.search(options)
        else:
            self.import_directory(options["directory"])

    def _progress(self) -> Progress:
        return Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
        )

    def reindex(self) -> None:
        with self._progress() as progress:
            task = progress.add_task("Indexing articles", total=None)

            def step(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            total = do_reindex_all(encode_texts, ENCODER_NAME, progress=step)
        self.stdout.write(f"Indexed {total} published translations.")

    def search(self, options: dict[str, Any]) -> None:
        try:
            lang = normalise_language(options["lang"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        response = search_articles(
            options["query"],
            lang,
            limit=options["limit"],
            include_internal=options["internal"],
            source=SearchSource.CLI,
        )
        results = [result.as_dict() for result in response.results]
        if options["json"]:
            self.stdout.write(json.dumps({"results": results}, ensure_ascii=False))
            return
        if not results:
            self.stdout.write(f"No results for {response.query!r} ({response.lang}).")
            return
        for number, result in enumerate(results, start=1):
            self.stdout.write(
                f"{number:>2}. {result['title']}  [{result['lang']}]  score {result['score']:.4f}\n"
                f"    {result['url']}\n    {result['snippet']}"
            )

    def import_directory(self, directory: Path) -> None:
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a directory.")
        files = find_article_files(directory)
        try:
            with self._progress() as progress:
                task = progress.add_task("Importing articles", total=len(files))
                with indexing_deferred():
                    report = do_import_directory(directory, progress=lambda: progress.advance(task))
        except ValidationFailed as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"Imported {report.total} articles from {directory}: {report.created} created, "
            f"{report.updated} updated, {report.unchanged} unchanged "
            f"({report.categories} categories, {report.sections} sections)."
        )
        if report.created or report.updated:
            self.reindex()
        for problem in report.errors:
            self.stderr.write(f"error: {problem}")
        if report.errors:
            raise CommandError(f"{len(report.errors)} file(s) could not be imported (see above).")
