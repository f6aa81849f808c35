"""Intent model: training, "unknown" for out-of-scope text, save/load, and the CLI."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cryptodesk.nlu.intents import (
    UNKNOWN,
    IntentClassifier,
    IntentDataError,
    IntentModelError,
    Prediction,
    read_labelled_csv,
)

EXAMPLES = {
    "deposit_missing": [
        "my deposit has not arrived",
        "where is my deposit",
        "deposit not credited yet",
        "I sent USDT but my balance is still zero",
        "deposit still missing after two hours",
        "the coins I deposited are not showing",
        "充值没到账",
        "我的充值还没到",
        "充值沒到帳",
        "入金一直沒有入帳",
    ],
    "withdrawal_pending": [
        "my withdrawal is stuck in pending",
        "withdrawal still processing",
        "why is my withdrawal not sent yet",
        "withdrawal pending for hours",
        "when will my withdrawal be processed",
        "my withdraw is still under review",
        "提现一直在审核中",
        "提币还在处理中",
        "提幣一直在審核",
        "出金還在處理中",
    ],
    "password_reset": [
        "I forgot my password",
        "how do I reset my password",
        "password reset link does not work",
        "cannot remember my login password",
        "need to change my password",
        "reset password please",
        "忘记密码了",
        "怎么重置密码",
        "忘記密碼了",
        "如何重設密碼",
    ],
    "greeting": [
        "hello",
        "hi there",
        "good morning",
        "hey",
        "hello, anyone there?",
        "hi support",
        "你好",
        "在吗",
        "您好",
        "哈囉",
    ],
}
HELD_OUT = [
    ("my deposit is missing", "deposit_missing"),
    ("充值还没到账", "deposit_missing"),
    ("提现卡住了", "withdrawal_pending"),
    ("重設密碼", "password_reset"),
    ("hello!", "greeting"),
    ("who is the president of france", "oos"),
    ("how do I bake a chocolate cake", "oos"),
    ("帮我查一下明天的航班", "unknown"),
]
CLI = Path(sys.executable).with_name("cryptodesk")


def write_csv(
    path: Path, rows: list[tuple[str, str]], header: tuple[str, ...] = ("text", "label")
) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def training_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows = [(text, label) for label, texts in EXAMPLES.items() for text in texts]
    return write_csv(tmp_path_factory.mktemp("intents") / "train.csv", rows)


@pytest.fixture(scope="module")
def model(training_csv: Path) -> IntentClassifier:
    data = read_labelled_csv(training_csv)
    return IntentClassifier.train(data.texts, data.labels)


def test_predicts_intents_in_english_and_chinese(model: IntentClassifier) -> None:
    for text, label in HELD_OUT[:5]:
        prediction = model.predict(text)
        assert isinstance(prediction, Prediction)
        assert prediction.label == label, text
        assert model.threshold <= prediction.confidence <= 1.0


def test_out_of_scope_text_is_unknown(model: IntentClassifier) -> None:
    for text, _label in HELD_OUT[5:]:
        label, confidence = model.predict(text)
        assert label == UNKNOWN, text
        assert 0.0 <= confidence < model.threshold
    assert model.predict("   ") == Prediction(UNKNOWN, 0.0)


def test_training_report_and_threshold(model: IntentClassifier) -> None:
    report = model.report
    assert report is not None
    assert (report.examples, report.intents) == (40, 4)
    assert report.out_of_scope_source == "built-in"
    assert 0.0 < report.threshold < 1.0
    assert report.validation_accuracy == 1.0
    assert model.labels == sorted(EXAMPLES)


def test_save_and_load_round_trip(model: IntentClassifier, tmp_path: Path) -> None:
    model.save(tmp_path / "model")
    assert sorted(p.name for p in (tmp_path / "model").iterdir()) == ["model.json", "weights.npz"]
    loaded = IntentClassifier.load(tmp_path / "model")
    assert loaded.labels == model.labels
    assert loaded.threshold == model.threshold
    for text, _label in HELD_OUT:
        before, after = model.predict(text), loaded.predict(text)
        assert after.label == before.label
        assert after.confidence == pytest.approx(before.confidence, abs=2e-3)


def test_out_of_scope_rows_calibrate_instead_of_training(training_csv: Path) -> None:
    data = read_labelled_csv(training_csv)
    outside = ["what's the weather tomorrow", "tell me a joke", "明天天气怎么样"]
    trained = IntentClassifier.train(
        [*data.texts, *outside], [*data.labels, "oos", "oos", "unknown"]
    )
    assert UNKNOWN not in trained.labels
    assert "oos" not in trained.labels
    assert trained.report is not None
    assert (trained.report.out_of_scope_examples, trained.report.out_of_scope_source) == (3, "data")


def test_training_needs_two_intents() -> None:
    with pytest.raises(IntentDataError, match="at least two intents"):
        IntentClassifier.train(["hello", "hi"], ["greeting", "greeting"])


def test_load_refuses_a_missing_model(tmp_path: Path) -> None:
    with pytest.raises(IntentModelError, match="holds no intent model"):
        IntentClassifier.load(tmp_path)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "120"}
    return subprocess.run(
        [str(CLI), "intents", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_cli_train_then_eval_json(training_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "model"
    trained = run_cli("train", "--data", str(training_csv), "--out", str(out))
    assert trained.returncode == 0, trained.stderr
    assert "calibrated threshold" in trained.stdout
    assert "validation accuracy" in trained.stdout
    test_csv = write_csv(tmp_path / "test.csv", HELD_OUT)

    evaluated = run_cli("eval", "--model", str(out), "--data", str(test_csv), "--json")
    assert evaluated.returncode == 0, evaluated.stderr
    result = json.loads(evaluated.stdout)
    assert set(result) == {"accuracy", "macro_f1", "n", "p50_ms", "p95_ms"}
    assert result["n"] == len(HELD_OUT)
    assert result["accuracy"] == 1.0
    assert result["macro_f1"] == 1.0
    assert 0 < result["p50_ms"] <= result["p95_ms"] < 100

    table = run_cli("eval", "--model", str(out), "--data", str(test_csv))
    assert table.returncode == 0, table.stderr
    assert "out-of-scope recall (3)" in table.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("sentence,intent\nhello,greeting\n", "needs the columns text,label"),
        ("text,label\n", "has no examples"),
        ("text,label\nhello,\n", "line 2: every row needs a text and a label"),
    ],
)
def test_train_rejects_bad_data(tmp_path: Path, content: str, message: str) -> None:
    data = tmp_path / "bad.csv"
    data.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("intents", "train", "--data", str(data), "--out", str(tmp_path / "model"))
    assert not (tmp_path / "model").exists()


def test_commands_report_unreadable_files(tmp_path: Path) -> None:
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("text,label\ncafé,greeting\n".encode("latin-1"))
    with pytest.raises(CommandError, match="is not UTF-8 text"):
        call_command("intents", "train", "--data", str(latin1), "--out", str(tmp_path / "m"))
    with pytest.raises(CommandError, match="holds no intent model"):
        call_command("intents", "eval", "--model", str(tmp_path), "--data", str(latin1))


def test_cli_error_message_and_exit_status(tmp_path: Path) -> None:
    missing = run_cli("train", "--data", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "m"))
    assert missing.returncode == 1
    assert f"CommandError: cannot read {tmp_path / 'nope.csv'}" in missing.stderr
