"""The "understand" stage: language, intent, entities, sentiment and urgency of a message."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from django.conf import settings

from cryptodesk.nlu.entities import extract_entities
from cryptodesk.nlu.intents import IntentClassifier
from cryptodesk.nlu.language import detect_language
from cryptodesk.nlu.sentiment import assess
from cryptodesk.tickets.pipeline import InboundMessage, Understanding

logger = logging.getLogger(__name__)
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "model"


@cache
def intent_model(path: str) -> IntentClassifier | None:
    model_dir = Path(path)
    if not model_dir.exists():
        logger.warning("No intent model at %s: intents are left empty", model_dir)
        return None
    return IntentClassifier.load(model_dir)


def configured_model() -> IntentClassifier | None:
    path = getattr(settings, "CRYPTODESK_INTENT_MODEL", "") or str(DEFAULT_MODEL_DIR)
    return intent_model(path)


def understand_message(message: InboundMessage) -> Understanding:
    return understand_messages([message])[0]


def understand_messages(messages: Sequence[InboundMessage]) -> list[Understanding]:
    """The ``understand_many`` stage: the intent model encodes the whole batch at once, which
    costs a fraction per message of encoding them one by one."""
    texts = [f"{message.subject}\n{message.text}".strip() for message in messages]
    model = configured_model()
    predictions = model.predict_many(texts) if model is not None and texts else []
    results = []
    for n, (message, text) in enumerate(zip(messages, texts, strict=True)):
        language = message.language_hint or detect_language(text)
        intent, confidence = predictions[n] if predictions else ("", 0.0)
        assessment = assess(text, language)
        results.append(
            Understanding(
                language=language,
                intent=intent,
                intent_confidence=round(float(confidence), 3),
                entities=tuple(extract_entities(message.text)),
                sentiment=assessment.sentiment,
                anger=assessment.anger,
                funds_at_risk=assessment.funds_at_risk,
                urgency=assessment.urgency,
            )
        )
    return results
