"""Fixtures for reply-template tests: templates made through the real save action."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cryptodesk.accounts.models import Agent
from cryptodesk.macros.actions import MacroData, check_save_macro
from cryptodesk.macros.models import Macro


@pytest.fixture
def make_macro(supervisor: Agent) -> Callable[..., Macro]:
    def make(name: str = "Ask for TXID", **kwargs: Any) -> Macro:
        bodies = kwargs.pop(
            "bodies",
            {
                "en": "Hi {{ customer.name }}, please send the TXID for #{{ ticket.number }}.",
                "zh-hans": "{{ customer.name }}您好，请提供工单 #{{ ticket.number }} 的交易哈希。",
                "zh-hant": "{{ customer.name }}您好，請提供工單 #{{ ticket.number }} 的交易雜湊。",
            },
        )
        return check_save_macro(supervisor, None, MacroData(name=name, bodies=bodies, **kwargs))

    return make
