"""Sentiment, anger, funds-at-risk and urgency in English, Simplified and Traditional Chinese."""

from __future__ import annotations

import pytest

from cryptodesk.nlu.sentiment import Assessment, assess


def judge(text: str, language: str) -> tuple[str, bool, bool, str]:
    result = assess(text, language)
    assert isinstance(result, Assessment)
    return result.sentiment, result.anger, result.funds_at_risk, result.urgency


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("my account was hacked and all my USDT is gone", "en"),
        ("Someone logged into my account and withdrew everything", "en"),
        ("I did not make this withdrawal", "en"),
        ("there is an unauthorized withdrawal on my account", "en"),
        ("my wallet got drained overnight", "en"),
        ("my account is locked and I have 5 BTC in it", "en"),
        ("I typed my seed phrase on a fake site", "en"),
        ("帐号被盗了，资产不见了", "zh-hans"),
        ("有人登录了我的账号", "zh-hans"),
        ("未授权提币，我没有操作过", "zh-hans"),
        ("账户被冻结了，里面还有10万USDT", "zh-hans"),
        ("我的帳號被盜了", "zh-hant"),
        ("有陌生裝置登入我的帳號", "zh-hant"),
        ("資產不見了", "zh-hant"),
        ("我的wallet被盗了", "zh-hans"),
    ],
)
def test_funds_at_risk_is_urgent(text: str, language: str) -> None:
    assert judge(text, language) == ("negative", False, True, "urgent")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("my account was not hacked, I just forgot my password", "en"),
        ("nothing was stolen, I only want to change my email", "en"),
        ("no one logged in, the 2FA code is just wrong", "en"),
        ("帐号没有被盗，只是忘记密码", "zh-hans"),
        ("没被盗，就是登录不上", "zh-hans"),
        ("帳號沒有被盜，只是忘記密碼", "zh-hant"),
    ],
)
def test_negated_funds_cues_do_not_count(text: str, language: str) -> None:
    assert assess(text, language).funds_at_risk is False


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("this is ridiculous, scam exchange", "en"),
        ("WHERE IS MY MONEY", "en"),
        ("why is it still pending!!!", "en"),
        ("you guys are useless", "en"),
        ("垃圾平台，骗子", "zh-hans"),
        ("我要投诉你们", "zh-hans"),
        ("氣死我了", "zh-hant"),
        ("什麼破平台，我要投訴", "zh-hant"),
    ],
)
def test_anger_raises_urgency(text: str, language: str) -> None:
    assert judge(text, language) == ("negative", True, False, "high")


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("thanks a lot, it works now", "en", ("positive", False, False, "low")),
        ("谢谢，已经到账了", "zh-hans", ("positive", False, False, "low")),
        ("謝謝，問題解決了", "zh-hant", ("positive", False, False, "low")),
        ("hi, how do I change my email?", "en", ("neutral", False, False, "normal")),
        ("验证码在垃圾邮件里", "zh-hans", ("neutral", False, False, "normal")),
        ("I bought DOGE and SHIB today", "en", ("neutral", False, False, "normal")),
        ("my deposit has not arrived", "en", ("negative", False, False, "normal")),
        ("充值没到账", "zh-hans", ("negative", False, False, "normal")),
        ("my deposit is missing, please help asap", "en", ("negative", False, False, "high")),
        ("提币还没到，急", "zh-hans", ("negative", False, False, "high")),
    ],
)
def test_everyday_messages(text: str, language: str, expected: tuple[str, bool, bool, str]) -> None:
    assert judge(text, language) == expected


def test_cues_explain_the_result() -> None:
    assert assess("HACKED!!! my funds are gone", "en").cues == (
        "anger:exclaiming",
        "funds_at_risk:hacked",
        "funds_at_risk:vanished",
    )
