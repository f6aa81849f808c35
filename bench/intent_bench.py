"""Intent classifier benchmark: accuracy, out-of-scope recall, training time and latency.

Scenarios (each trains a fresh model with ``IntentClassifier.train`` exactly as
``cryptodesk intents train`` does, then predicts every test message on its own):

- ``clinc150``: CLINC150 (OOS-eval "data_full"), trained on train + val (the ``oos`` rows only
  calibrate the "unknown" threshold), evaluated on test (4,500 in-scope + 1,000 out-of-scope);
- ``finance``: the same restricted to the ``banking`` and ``credit_cards`` domains (30 intents,
  domains.json), with the ``oos`` rows kept;
- ``own``: our crypto-support intent set (src/cryptodesk/nlu/data/intents.csv), a stratified
  80/20 split (seed 0), also broken down by language (English / Chinese rows).

The CLINC150 files are read where they are, ``../shared/datasets/clinc150`` beside the repo.
Run: ``.venv/bin/python bench/intent_bench.py [--only clinc150 finance own]``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from cryptodesk.nlu.intents import (
    Evaluation,
    IntentClassifier,
    LabelledData,
    evaluate,
    is_out_of_scope,
    read_labelled_csv,
    sentence_encoder,
)

REPO = Path(__file__).resolve().parents[1]
CLINC = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "clinc150"
OWN = REPO / "src" / "cryptodesk" / "nlu" / "data" / "intents.csv"
HAN = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Result:
    name: str
    intents: int
    train_rows: int
    train_seconds: float
    threshold: float
    evaluation: Evaluation


def run(
    name: str, train: LabelledData, test: LabelledData, console: Console
) -> tuple[Result, IntentClassifier]:
    console.print(f"[bold]{name}[/]: training on {len(train.texts)} rows …")
    started = time.perf_counter()
    model = IntentClassifier.train(train.texts, train.labels)
    seconds = time.perf_counter() - started
    console.print(f"  trained in {seconds:.1f} s; predicting {len(test.texts)} rows one by one …")
    result = Result(
        name=name,
        intents=len(model.labels),
        train_rows=len(train.texts),
        train_seconds=seconds,
        threshold=model.threshold,
        evaluation=evaluate(model, test.texts, test.labels),
    )
    return result, model


def subset(data: LabelledData, keep: set[str]) -> LabelledData:
    rows = [
        (text, label)
        for text, label in zip(data.texts, data.labels, strict=True)
        if label in keep or is_out_of_scope(label)
    ]
    return LabelledData([t for t, _ in rows], [label for _, label in rows])


def stratified_split(data: LabelledData, fraction: float, seed: int) -> tuple[LabelledData, ...]:
    rng = np.random.default_rng(seed)
    labels = np.array(data.labels)
    train_rows: list[int] = []
    test_rows: list[int] = []
    for label in sorted(set(data.labels)):
        rows = rng.permutation(np.flatnonzero(labels == label))
        cut = int(round(len(rows) * fraction))
        test_rows.extend(rows[:cut])
        train_rows.extend(rows[cut:])

    def take(rows: Sequence[int]) -> LabelledData:
        ordered = sorted(rows)
        return LabelledData([data.texts[i] for i in ordered], [data.labels[i] for i in ordered])

    return take(train_rows), take(test_rows)


def by_script(data: LabelledData, chinese: bool) -> LabelledData:
    rows = [
        (text, label)
        for text, label in zip(data.texts, data.labels, strict=True)
        if bool(HAN.search(text)) == chinese
    ]
    return LabelledData([t for t, _ in rows], [label for _, label in rows])


def clinc(console: Console, finance_only: bool) -> Result:
    train = read_labelled_csv(CLINC / "train.csv")
    val = read_labelled_csv(CLINC / "val.csv")
    test = read_labelled_csv(CLINC / "test.csv")
    both = LabelledData(train.texts + val.texts, train.labels + val.labels)
    if not finance_only:
        return run("CLINC150", both, test, console)[0]
    domains = json.loads((CLINC / "domains.json").read_text(encoding="utf-8"))
    keep = set(domains["banking"]) | set(domains["credit_cards"])
    return run(
        "CLINC150 banking+cards",
        subset(both, keep),
        subset(test, keep),
        console,
    )[0]


def own(console: Console) -> list[Result]:
    data = read_labelled_csv(OWN)
    train, test = stratified_split(data, 0.2, seed=0)
    result, model = run("own 80/20", train, test, console)
    results = [result]
    for chinese, label in ((False, "en"), (True, "zh")):
        part = by_script(test, chinese)
        if part.texts:
            results.append(
                Result(
                    name=f"own {label} rows",
                    intents=result.intents,
                    train_rows=result.train_rows,
                    train_seconds=float("nan"),
                    threshold=result.threshold,
                    evaluation=evaluate(model, part.texts, part.labels),
                )
            )
    return results


def print_table(results: Sequence[Result], console: Console) -> None:
    table = Table(title="Intent classification (USE multilingual + TF-IDF n-grams, LR)")
    table.add_column("measure")
    for r in results:
        table.add_column(r.name.strip(), justify="right")

    def row(measure: str, cells: list[str]) -> None:
        table.add_row(measure, *cells)

    evaluations = [r.evaluation for r in results]
    row("intents", [str(r.intents) for r in results])
    row("training rows", [str(r.train_rows) for r in results])
    row(
        "training time (s)",
        ["" if np.isnan(r.train_seconds) else f"{r.train_seconds:.1f}" for r in results],
    )
    row("test rows (of which out-of-scope)", [f"{e.n} ({e.out_of_scope})" for e in evaluations])
    row("in-scope accuracy (top intent)", [f"{e.in_scope_accuracy:.2%}" for e in evaluations])
    row(
        "in-scope accuracy, unknown = wrong",
        [f"{e.in_scope_accuracy_with_unknown:.2%}" for e in evaluations],
    )
    row(
        "out-of-scope recall",
        [f"{e.out_of_scope_recall:.2%}" if e.out_of_scope else "-" for e in evaluations],
    )
    row("accuracy, all rows", [f"{e.accuracy:.2%}" for e in evaluations])
    row("macro-F1 (unknown a class)", [f"{e.macro_f1:.4f}" for e in evaluations])
    row("calibrated threshold", [f"{r.threshold:.3f}" for r in results])
    row("latency p50 (ms)", [f"{e.p50_ms:.2f}" for e in evaluations])
    row("latency p95 (ms)", [f"{e.p95_ms:.2f}" for e in evaluations])
    console.print(table)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--only",
        nargs="+",
        choices=("clinc150", "finance", "own"),
        default=("clinc150", "finance", "own"),
    )
    options = parser.parse_args(argv)
    console = Console()
    started = time.perf_counter()
    sentence_encoder()  # load once, outside every timing
    console.print(f"sentence encoder loaded in {time.perf_counter() - started:.1f} s")
    results: list[Result] = []
    if {"clinc150", "finance"} & set(options.only) and not CLINC.is_dir():
        console.print(f"[red]CLINC150 not found at {CLINC}[/]")
        return 1
    if "clinc150" in options.only:
        results.append(clinc(console, finance_only=False))
    if "finance" in options.only:
        results.append(clinc(console, finance_only=True))
    if "own" in options.only:
        if OWN.exists():
            results.extend(own(console))
        else:
            console.print(f"[yellow]{OWN} does not exist yet: own intent set skipped[/]")
    print_table(results, console)
    return 0


if __name__ == "__main__":
    sys.exit(main())
