"""The demo shows a complaint in each stage, in more than one language, and the starter
templates."""

from __future__ import annotations

import pytest

from cryptodesk.complaints.models import Complaint, Remedy, Stage
from cryptodesk.demo.loader import load_demo
from cryptodesk.macros.models import Macro
from cryptodesk.macros.starter import STARTER_MACROS


@pytest.mark.django_db
def test_demo_has_complaints_in_every_stage() -> None:
    Macro.objects.all().delete()
    load_demo(customers=30, tickets=60, seed=3)
    stages = set(Complaint.objects.values_list("stage", flat=True))
    assert stages == set(Stage.values)
    assert Complaint.objects.filter(fund_security=True, ticket__priority="urgent").count() == 1
    assert len(set(Complaint.objects.values_list("ticket__language", flat=True))) >= 2
    for remedy in Remedy.objects.exclude(status="proposed"):
        assert remedy.decided_by_id != remedy.proposed_by_id
    assert Macro.objects.filter(starter_key__isnull=False).count() == len(STARTER_MACROS)
