"""Reads of reply templates, with visibility built in: an agent sees active templates for
everyone and for their teams; supervisors see all of them, inactive ones included."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from cryptodesk.accounts.models import Agent
from cryptodesk.core.errors import NotFound
from cryptodesk.core.ids import is_valid_id
from cryptodesk.macros.models import FALLBACK_LANGUAGE, Macro

SEARCH_LIMIT = 20


def visible_macros(agent: Agent) -> QuerySet[Macro]:
    macros = Macro.objects.all()
    if not agent.is_supervisor:
        team_ids = list(agent.teams.values_list("id", flat=True))
        macros = macros.filter(Q(team__isnull=True) | Q(team_id__in=team_ids), active=True)
    return macros.select_related("team").prefetch_related("translations")


def access_macro_by_id(agent: Agent, macro_id: int) -> Macro:
    macro = visible_macros(agent).filter(pk=macro_id).first() if is_valid_id(macro_id) else None
    if macro is None:
        raise NotFound(
            _("Template %(id)s does not exist or is not visible to you.") % {"id": macro_id}
        )
    return macro


def search_macros(
    agent: Agent, query: str = "", language: str = "", *, limit: int = SEARCH_LIMIT
) -> list[Macro]:
    """Active templates whose name or text (in ``language`` or English) contains ``query``,
    most used first."""
    macros = visible_macros(agent).filter(active=True)
    # NUL (from a query string) is dropped: PostgreSQL refuses it in a LIKE pattern.
    query = " ".join(query.replace("\x00", "").split())[:100]
    if query:
        languages = {FALLBACK_LANGUAGE, language} if language else None
        text = Q(translations__body__icontains=query)
        if languages:
            text &= Q(translations__language__in=languages)
        macros = macros.filter(Q(name__icontains=query) | text)
        # The join on translations repeats a macro per matching language.
        macros = (
            Macro.objects.filter(pk__in=macros.values("pk"))
            .select_related("team")
            .prefetch_related("translations")
        )
    return list(macros.order_by("-usage_count", "name")[:limit])
