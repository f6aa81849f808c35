"""The template search (picker and API) keeps a fixed number of queries however many
templates match."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def queries_for(call: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200
    return len(captured)


def test_macro_search_does_not_grow_with_rows(
    api_for: Any, console_for: Any, agent: Any, make_macro: Any, ingest: Any
) -> None:
    ticket = ingest().ticket
    client, api = console_for(agent), api_for(agent)
    api.get("/api/v1/macros")  # the token records its first use once
    few_page = queries_for(lambda: client.get(f"/macros/picker/{ticket.pk}/", {"q": "a"}))
    few_api = queries_for(lambda: api.get("/api/v1/macros", q="a"))
    for n in range(8):
        make_macro(f"Extra {n}")
    assert queries_for(lambda: client.get(f"/macros/picker/{ticket.pk}/", {"q": "a"})) == few_page
    assert queries_for(lambda: api.get("/api/v1/macros", q="a")) == few_api


def test_team_templates_in_a_search_cost_no_query_each(
    api_for: Any, agent: Any, make_macro: Any
) -> None:
    team = agent.teams.get()
    api = api_for(agent)
    api.get("/api/v1/macros")  # the token records its first use once
    make_macro("Teamreply 0", team_slug=team.slug)
    few = queries_for(lambda: api.get("/api/v1/macros", q="teamreply"))
    for n in range(1, 6):
        make_macro(f"Teamreply {n}", team_slug=team.slug)
    response = api.get("/api/v1/macros", q="teamreply")
    assert [m["team"] for m in response.json()["results"]] == [team.slug] * 6
    assert queries_for(lambda: api.get("/api/v1/macros", q="teamreply")) == few
