"""The "understand" stage: language, intent, entities, sentiment and urgency of a message."""

from __future__ import annotations

import logging
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
    text = f"{message.subject}\n{message.text}".strip()
    language = message.language_hint or detect_language(text)
    intent, confidence = "", 0.0
    model = configured_model()
    if model is not None:
        intent, confidence = model.predict(text)
    assessment = assess(text, language)
    return Understanding(
        language=language,
        intent=intent,
        intent_confidence=round(float(confidence), 3),
        entities=tuple(extract_entities(message.text)),
        sentiment=assessment.sentiment,
        anger=assessment.anger,
        funds_at_risk=assessment.funds_at_risk,
        urgency=assessment.urgency,
    )
