"""``cryptodesk guard redact [--json]`` through the installed command, as an operator runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from mnemonic import Mnemonic

CRYPTODESK = Path(sys.executable).with_name("cryptodesk")
PHRASE = Mnemonic("english").to_mnemonic(bytes(range(16)))
CHINESE_PHRASE = Mnemonic("chinese_traditional").to_mnemonic(bytes(range(32))).replace(" ", "")
HEX_KEY = "1f" * 32
TX_HASH = "0x" + "ab" * 32


def run(*args: str, stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [str(CRYPTODESK), "guard", *args],
        input=stdin,
        capture_output=True,
        env=environment,
        timeout=120,
        check=False,
    )


def test_redact_prints_the_redacted_text() -> None:
    text = f"My words:\n{PHRASE}\nprivate key: {HEX_KEY}\ntx {TX_HASH}\n"
    result = run("redact", stdin=text.encode())
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == (
        "My words:\n[redacted: recovery phrase]\nprivate key: [redacted: private key]\n"
        f"tx {TX_HASH}\n"
    )


def test_redact_json_lists_the_findings() -> None:
    text = f"助記詞：{CHINESE_PHRASE}，私鑰 0x{HEX_KEY}"
    result = run("redact", "--json", stdin=text.encode())
    assert result.returncode == 0, result.stderr
    phrase_start = len("助記詞：")
    phrase_end = phrase_start + len(CHINESE_PHRASE)
    key_start = text.index("0x")
    assert json.loads(result.stdout) == {
        "text": "助記詞：[redacted: recovery phrase]，私鑰 [redacted: private key]",
        "findings": [
            {"kind": "recovery phrase", "start": phrase_start, "end": phrase_end},
            {"kind": "private key", "start": key_start, "end": key_start + 66},
        ],
    }


def test_redact_json_without_secrets() -> None:
    result = run("redact", "--json", stdin=b"Where is my deposit?")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"text": "Where is my deposit?", "findings": []}


def test_redact_on_empty_input() -> None:
    result = run("redact", stdin=b"")
    assert (result.returncode, result.stdout) == (0, b"")


def test_input_that_is_not_utf8_is_refused_with_a_reason() -> None:
    result = run("redact", stdin=b"\xff\xfe\x00broken")
    assert result.returncode == 1
    assert b"stdin is not UTF-8 text" in result.stderr
    assert result.stdout == b""


def test_guard_without_an_action_shows_usage() -> None:
    result = run(stdin=b"")
    assert result.returncode == 2
    assert b"{redact} ..." in result.stderr
    assert b"the following arguments are required: action" in result.stderr
