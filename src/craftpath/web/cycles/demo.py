"""A running review cycle for the demo organisation (web/demo.py adds it after the demo
check-ins): the Platform team's spring round, launched, with its first deadline a week
away, and a feedback request to Gus on Farah's open check-in. The people-team sign-in then
has a cycle to follow, and the Platform people have something on their home page."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from craftpath.web.accounts.models import User
from craftpath.web.checkins import feedback
from craftpath.web.checkins.models import CheckIn
from craftpath.web.frameworks.publishing import active_version

from .launch import launch
from .models import Audience, Cycle


def add_cycle(domain: str) -> None:
    version = active_version()
    people_team = User.objects.filter(email=f"pat@{domain}").first()
    if version is None:
        return
    today = timezone.localdate()
    cycle = Cycle.objects.create(
        name="Platform spring round", version=version, audience=Audience.TEAM,
        audience_value="Platform", self_due=today + timedelta(days=7),
        review_due=today + timedelta(days=14), agree_due=today + timedelta(days=21),
        close_due=today + timedelta(days=28), created_by=people_team)
    launch(cycle)
    _ask_feedback(domain)


def _ask_feedback(domain: str) -> None:
    farah = CheckIn.objects.filter(person__email=f"farah@{domain}", closed_at=None).first()
    if farah is None:
        return
    statements = list(farah.entries.values_list("statement_id", flat=True)[:3])
    feedback.ask(farah, farah.person, f"gus@{domain}", statements,
                 "You paired with me on the data pipeline this quarter.")
