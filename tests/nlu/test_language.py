"""Language detection: scripts first (short Chinese, Japanese, Korean), the packaged
language-ID model for other alphabets."""

from __future__ import annotations

import pytest

from cryptodesk.nlu.language import chinese_script, detect_language, support_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("充值没到账", "zh-hans"),
        ("充值沒到帳", "zh-hant"),
        ("提现", "zh-hans"),
        ("提現", "zh-hant"),
        ("谢谢", "zh-hans"),
        ("謝謝", "zh-hant"),
        ("台湾的账户", "zh-hans"),
        ("台灣的帳戶", "zh-hant"),
        ("這是台北", "zh-hant"),
        ("我的USDT充值没到账", "zh-hans"),
        ("wallet 被盜了", "zh-hant"),
        ("hi", "en"),
        ("help", "en"),
        ("pls help", "en"),
        ("my deposit", "en"),
        ("USDT", "en"),
        ("where is my money", "en"),
        ("入金がまだ反映されません", "ja"),
        ("ありがとう", "ja"),
        ("출금이 안 돼요", "ko"),
        ("Bonjour, mon retrait est bloqué depuis hier", "fr"),
        ("je veux retirer mes fonds", "fr"),
        ("bonjour", "fr"),
        ("mi retiro no llegó", "es"),
        ("Hallo, meine Einzahlung fehlt", "de"),
        ("Obrigado, meu saque não chegou", "pt"),
        ("привет, где мой депозит", "ru"),
    ],
)
def test_detects_language(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize("text", ["", "   ", "1234", "!!!", "😀", "12:30 ??"])
def test_no_letters_means_no_language(text: str) -> None:
    assert detect_language(text) == ""


def test_shared_characters_are_not_simplified_evidence() -> None:
    # 皇后 and 公里 are written the same way in both scripts: no Traditional evidence either.
    assert chinese_script("皇后") == "zh-hans"
    # 台 is standard in Taiwan; 灣 is Traditional only.
    assert chinese_script("台灣") == "zh-hant"


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("en", "en"),
        ("en-GB", "en"),
        ("EN_us", "en"),
        ("zh", "zh-hans"),
        ("zh-CN", "zh-hans"),
        ("zh-Hans", "zh-hans"),
        ("zh_hans_SG", "zh-hans"),
        ("zh-TW", "zh-hant"),
        ("zh-hk", "zh-hant"),
        ("zh-MO", "zh-hant"),
        ("zh_Hant", "zh-hant"),
        ("zh-Hant-TW", "zh-hant"),
        ("fr", None),
        ("", None),
        (None, None),
        ("  ", None),
    ],
)
def test_support_language_answers_every_tag_in_a_language_we_support(
    tag: str | None, expected: str | None
) -> None:
    assert support_language(tag) == expected
