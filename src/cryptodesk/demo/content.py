"""Demo ticket content written by us, in three languages (``content/*.json``)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CONTENT_DIR = Path(__file__).resolve().parent / "content"
LANGUAGE_FILES = {"en": "en.json", "zh-hans": "zh-Hans.json", "zh-hant": "zh-Hant.json"}
TOPICS = {
    "deposits",
    "withdrawals",
    "2fa",
    "kyc",
    "fees",
    "scams",
    "account",
    "trading",
    "api",
    "password",
}
PRIORITIES = {"urgent", "high", "normal", "low"}
AUTHORS = {"customer", "agent", "note"}
PLACEHOLDERS = {"customer_name", "agent_name", "asset", "amount", "network", "txid", "address"}
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class ContentError(ValueError):
    pass


@dataclass(frozen=True)
class Scenario:
    key: str
    topic: str
    priority: str
    tags: tuple[str, ...]
    subject: str
    messages: tuple[tuple[str, str], ...]  # (author, text)


@dataclass(frozen=True)
class LanguageContent:
    language: str
    given_names: tuple[str, ...]
    family_names: tuple[str, ...]
    scenarios: tuple[Scenario, ...]


def check_placeholders(text: str, where: str) -> None:
    unknown = set(PLACEHOLDER.findall(text)) - PLACEHOLDERS
    if unknown:
        raise ContentError(f"{where}: unknown placeholder(s) {sorted(unknown)}")


def parse_scenario(raw: dict[str, object], where: str) -> Scenario:
    try:
        key, topic, priority = str(raw["key"]), str(raw["topic"]), str(raw["priority"])
        subject = str(raw["subject"])
        tags = tuple(str(t) for t in raw["tags"])  # type: ignore[attr-defined]
        messages = tuple((str(m["author"]), str(m["text"])) for m in raw["messages"])  # type: ignore[attr-defined]
    except (KeyError, TypeError) as error:
        raise ContentError(f"{where}: missing or malformed field {error}") from error
    if topic not in TOPICS or priority not in PRIORITIES:
        raise ContentError(f"{where}: topic {topic!r} or priority {priority!r} is not allowed")
    if not messages or messages[0][0] != "customer":
        raise ContentError(f"{where}: the first message must come from the customer")
    for author, text in messages:
        if author not in AUTHORS or not text.strip():
            raise ContentError(f"{where}: bad message author {author!r} or empty text")
        check_placeholders(text, where)
    check_placeholders(subject, where)
    return Scenario(key, topic, priority, tags, subject, messages)


@cache
def load_language(language: str) -> LanguageContent:
    path = CONTENT_DIR / LANGUAGE_FILES[language]
    data = json.loads(path.read_text(encoding="utf-8"))
    scenarios = tuple(
        parse_scenario(raw, f"{path.name}#{index}") for index, raw in enumerate(data["scenarios"])
    )
    if len({s.key for s in scenarios}) != len(scenarios):
        raise ContentError(f"{path.name}: scenario keys are not unique")
    return LanguageContent(
        language=language,
        given_names=tuple(data["given_names"]),
        family_names=tuple(data["family_names"]),
        scenarios=scenarios,
    )


def available_languages() -> list[str]:
    return [lang for lang, name in LANGUAGE_FILES.items() if (CONTENT_DIR / name).exists()]
