"""Deciding a case twice at once: the chair's decision sent from two pages (two threads, each
with its own database connection, on SQLite and on PostgreSQL) at the same moment, one to
promote and one to decline. One wins; the other is told the case was decided already, and
nothing of it is kept.

Apart from the other promotion tests because the threads need committed rows
(transactional_db), which a module-built world (built_once_per_module) must never meet.
"""

from __future__ import annotations

import threading

from django.db import connections
from django.utils import timezone

from craftpath.web.accounts.models import User
from craftpath.web.actions import Stale
from craftpath.web.actions import promotions as actions
from craftpath.web.audit.models import Event as AuditEntry
from craftpath.web.notifications.models import Kind, Notification
from craftpath.web.promotions.models import Case, Decision

from .test_promotions_actions import build_world


def test_two_decisions_at_once_leave_one_and_the_other_is_told(transactional_db, seed_load):
    world = build_world(seed_load)
    start = threading.Barrier(2)
    answers: dict[str, object] = {}

    def decide(outcome: str) -> None:
        try:
            chair = User.objects.get(pk=world["oto"])  # each thread its own connection
            start.wait(timeout=30)
            answers[outcome] = actions.decide(
                chair, world["case"], outcome, f"Reasons for {outcome}.",
                timezone.localdate(), revision=0)
        except Exception as problem:  # the refusal, or a failure the assertions show
            answers[outcome] = problem
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(outcome,))
               for outcome in ("promote", "decline")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    won = [outcome for outcome, answer in answers.items() if isinstance(answer, Decision)]
    refused = [answer for answer in answers.values() if isinstance(answer, Stale)]
    assert len(won) == 1 and len(refused) == 1, answers
    assert "already decided" in str(refused[0])
    decision = Decision.objects.get(case_id=world["case"])
    assert decision.outcome == won[0] and decision.reasons == f"Reasons for {won[0]}."
    assert Case.objects.get(pk=world["case"]).revision == 1  # one decision moved it on
    assert AuditEntry.objects.filter(target=f"promotion case {world['case']}",
                                     detail__startswith="decided").count() == 1
    assert Notification.objects.filter(recipient_id=world["ian"],
                                       kind=Kind.PROMOTION_DECIDED).count() == 1
