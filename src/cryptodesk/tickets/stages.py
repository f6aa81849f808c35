"""Default implementations of the pluggable stages: deliberately simple, replaced by the secret
guard and the NLU capabilities through ``settings.CRYPTODESK_PIPELINE``."""

from __future__ import annotations

from cryptodesk.customers.models import Customer
from cryptodesk.tickets.models import Priority
from cryptodesk.tickets.pipeline import Guarded, InboundMessage, Triage, Understanding

# Characters that are written differently in the two scripts and are common in support mail.
TRADITIONAL_ONLY = set("們這個說來為會時對號帳戶錢轉幣額請問與還沒過麼進發確認證碼密題無應給經")
SIMPLIFIED_ONLY = set("们这个说来为会时对号账户钱转币额请问与还没过么进发确认证码密题无应给经")
# Some pairs above are identical in both scripts; only the differing ones count.
_SHARED = TRADITIONAL_ONLY & SIMPLIFIED_ONLY
TRADITIONAL_ONLY -= _SHARED
SIMPLIFIED_ONLY -= _SHARED


def detect_script_language(text: str) -> str:
    """Tell English from Simplified and Traditional Chinese by the characters used."""
    han = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    if not han:
        return "en" if any(ch.isalpha() for ch in text) else ""
    traditional = sum(ch in TRADITIONAL_ONLY for ch in han)
    simplified = sum(ch in SIMPLIFIED_ONLY for ch in han)
    return "zh-hant" if traditional > simplified else "zh-hans"


def understand_script(message: InboundMessage) -> Understanding:
    language = message.language_hint or detect_script_language(f"{message.subject}\n{message.text}")
    return Understanding(language=language)


def triage_defaults(
    message: InboundMessage, understanding: Understanding, guarded: Guarded, customer: Customer
) -> Triage:
    priority = message.requested_priority or Priority.NORMAL
    if guarded.is_security_case or understanding.funds_at_risk:
        priority = Priority.URGENT
    return Triage(priority=priority, tags=message.tags)
