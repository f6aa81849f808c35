"""cryptodesk intents train|eval: train an intent model from a labelled CSV, or measure one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cryptodesk.nlu.intents import (
    IntentClassifier,
    IntentDataError,
    IntentModelError,
    evaluate,
    read_labelled_csv,
)
from cryptodesk.nlu.intents import Progress as ProgressCallback


class Command(BaseCommand):
    help = (
        "Intent models. 'train' learns one from a UTF-8 CSV with the columns text,label "
        "(rows labelled oos or unknown are out-of-scope examples); 'eval' measures one."
    )
    # Pure file processing: no database, no checks.
    requires_system_checks: list[str] = []  # type: ignore[assignment]

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        train = actions.add_parser("train", help="Train a model and save it in a directory.")
        train.add_argument("--data", required=True, type=Path, help="CSV with text,label.")
        train.add_argument("--out", required=True, type=Path, help="Directory for the model.")
        evaluate_ = actions.add_parser("eval", help="Measure a model on a labelled CSV.")
        evaluate_.add_argument("--model", required=True, type=Path, help="Model directory.")
        evaluate_.add_argument("--data", required=True, type=Path, help="CSV with text,label.")
        evaluate_.add_argument(
            "--json",
            action="store_true",
            help='Print {"accuracy", "macro_f1", "n", "p50_ms", "p95_ms"} only.',
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "train":
                self.train(options["data"], options["out"])
            else:
                self.evaluate(options["model"], options["data"], as_json=options["json"])
        except (IntentDataError, IntentModelError) as error:
            raise CommandError(str(error)) from error

    def train(self, data: Path, out: Path) -> None:
        console = Console(stderr=False)
        examples = read_labelled_csv(data)
        if out.exists() and not out.is_dir():
            raise CommandError(f"--out {out} is a file: give a directory for the model")
        with _progress_bars(console) as progress:
            model = IntentClassifier.train(examples.texts, examples.labels, progress=progress)
        try:
            model.save(out)
        except OSError as error:
            raise CommandError(f"cannot write the model to {out}: {error.strerror}") from error
        report = model.report
        assert report is not None
        table = Table(title=f"Intent model saved in {out}")
        table.add_column("measure")
        table.add_column("value", justify="right")
        table.add_row("examples", str(report.examples))
        table.add_row("intents", str(report.intents))
        table.add_row("validation examples (held out)", str(report.validation_examples))
        table.add_row("validation accuracy", f"{report.validation_accuracy:.2%}")
        table.add_row(
            "validation accuracy, unknown counted wrong",
            f"{report.validation_accuracy_with_unknown:.2%}",
        )
        table.add_row(
            f"out-of-scope recall ({report.out_of_scope_examples}, {report.out_of_scope_source})",
            f"{report.out_of_scope_recall:.2%}",
        )
        table.add_row("calibrated threshold", f"{report.threshold:.4f}")
        table.add_row("training time", f"{report.seconds:.1f} s")
        console.print(table)

    def evaluate(self, model_dir: Path, data: Path, *, as_json: bool) -> None:
        model = IntentClassifier.load(model_dir)
        examples = read_labelled_csv(data)
        if as_json:
            result = evaluate(model, examples.texts, examples.labels)
            self.stdout.write(json.dumps(result.summary()))
            return
        console = Console()
        with _progress_bars(console) as progress:
            result = evaluate(model, examples.texts, examples.labels, progress=progress)
        table = Table(title=f"{model_dir} on {data}")
        table.add_column("measure")
        table.add_column("value", justify="right")
        table.add_row("examples", str(result.n))
        table.add_row("accuracy (oos/unknown right when unknown)", f"{result.accuracy:.2%}")
        table.add_row("macro-F1", f"{result.macro_f1:.4f}")
        table.add_row(f"in-scope accuracy ({result.in_scope})", f"{result.in_scope_accuracy:.2%}")
        table.add_row(
            "in-scope accuracy, unknown counted wrong",
            f"{result.in_scope_accuracy_with_unknown:.2%}",
        )
        table.add_row(
            f"out-of-scope recall ({result.out_of_scope})", f"{result.out_of_scope_recall:.2%}"
        )
        table.add_row("latency p50", f"{result.p50_ms:.2f} ms")
        table.add_row("latency p95", f"{result.p95_ms:.2f} ms")
        console.print(table)


@contextmanager
def _progress_bars(console: Console) -> Iterator[ProgressCallback]:
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as bars:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bars.add_task(stage, total=total)
            bars.update(tasks[stage], completed=done, total=total)

        yield update
