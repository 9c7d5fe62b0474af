"""The insights figures are kept when a check-in closes, in the same transaction, and the
backfill command rebuilds exactly the same figures from history."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.models import Q

from craftpath.web.insights.models import (
    AreaResult,
    ClosedStart,
    QuarterResult,
    QuarterTally,
    RatingCount,
    Standing,
    StandingArea,
    StandingRating,
    StandingStatement,
)

from .checkin_helpers import closed, start_for
from .insights_helpers import closed_checkin


def test_closing_a_check_in_records_the_persons_standing(small_org):
    checkin = closed(start_for(small_org.ian), small_org.ian, small_org.leo, "Meets")
    standing = Standing.objects.get(person=small_org.ian)
    assert standing.checkin_id == checkin.pk and standing.reviewer_id == small_org.leo.pk
    assert standing.level_slug == "level-4" and standing.next_level_slug == "level-3"
    assert standing.share_at == 1.0 and standing.covered_at == standing.applicable_at > 0
    assert standing.gap_mean == 0 and standing.manager_mean == 2  # "Meets" is position 2
    assert set(standing.areas) and all(row[0] == row[1] for row in standing.areas.values())
    assert "ml-ops.level-4.1" in standing.covered_statements
    result = QuarterResult.objects.get(person=small_org.ian)
    assert result.checkin_id == checkin.pk
    assert AreaResult.objects.filter(result=result).count() == len(
        [a for a in standing.areas.values() if a[1]])
    assert RatingCount.objects.get(result=result).label == "Meets"
    rating = StandingRating.objects.get(person=small_org.ian)
    assert (rating.reviewer_id, rating.label, rating.level_slug) == (small_org.leo.pk, "Meets",
                                                                    "level-4")
    assert sorted(StandingStatement.objects.filter(person=small_org.ian).values_list(
        "statement_id", flat=True)) == standing.covered_statements


def test_a_failed_close_leaves_no_figures(small_org, monkeypatch):
    from craftpath.web.checkins import loop
    from craftpath.web.checkins.models import CheckIn
    from craftpath.web.insights import aggregates

    from .checkin_helpers import submitted

    checkin = submitted(start_for(small_org.ian), small_org.ian, small_org.leo)
    loop.agree_matching(checkin)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(aggregates, "store", broken)
    with pytest.raises(RuntimeError):
        loop.close(checkin, small_org.leo)
    assert CheckIn.objects.get(pk=checkin.pk).closed_at is None  # one transaction
    assert not Standing.objects.exists()


def test_later_check_ins_replace_earlier_ones_and_not_the_other_way(small_org):
    newer = closed_checkin(small_org.ian, small_org.leo, manager_value="Exceeds", days_ago=1)
    closed_checkin(small_org.ian, small_org.leo, manager_value="Not yet", days_ago=400)
    standing = Standing.objects.get(person=small_org.ian)
    assert standing.checkin_id == newer.pk and standing.manager_mean == 3
    assert list(StandingRating.objects.filter(person=small_org.ian).values_list(
        "label", flat=True)) == ["Exceeds"]  # the older close left no rows behind
    assert QuarterResult.objects.filter(person=small_org.ian).count() == 2


def test_ratings_differ_between_self_and_manager(small_org):
    closed_checkin(small_org.ian, small_org.leo, self_value="Exceeds",
                   manager_value="Working towards", agreed_value="Meets")
    standing = Standing.objects.get(person=small_org.ian)
    assert standing.gap_mean == 2 and standing.manager_mean == 1 and standing.agreed_mean == 2
    assert list(standing.manager_counts) == ["Working towards"]


def _figures():
    standings = sorted((s.person_id, s.checkin_id, s.share_at, s.share_next, s.gap_mean,
                        s.areas, s.covered_statements, s.manager_counts)
                       for s in Standing.objects.all())
    results = sorted((r.person_id, r.quarter, r.checkin_id, r.share_at)
                     for r in QuarterResult.objects.all())
    areas = sorted(AreaResult.objects.values_list("person_id", "quarter", "area_slug", "covered",
                                                  "applicable"))
    ratings = sorted(RatingCount.objects.values_list("person_id", "quarter", "label", "count"))
    standing_areas = sorted(StandingArea.objects.values_list("person_id", "area_slug", "share"))
    tallies = sorted(QuarterTally.objects.filter(~Q(people=0) | ~Q(count=0)).values_list(
        "quarter", "organisation_id", "family_slug", "level_slug", "kind", "key", "people",
        "covered", "applicable", "share_sum", "shares", "count"))
    reviewer_ratings = sorted(StandingRating.objects.values_list(
        "person_id", "family_slug", "level_slug", "reviewer_id", "label", "count"))
    statements = sorted(StandingStatement.objects.values_list("person_id", "family_slug",
                                                              "statement_id"))
    starts = sorted(ClosedStart.objects.values_list("person_id", "quarter"))
    return (standings, results, areas, ratings, standing_areas, tallies, reviewer_ratings,
            statements, starts)


def test_the_backfill_rebuilds_the_same_figures(small_org, capsys):
    for days, value in ((0, "Meets"), (100, "Working towards"), (200, "Not yet"),
                        (201, "Exceeds")):
        closed_checkin(small_org.ian, small_org.leo, manager_value=value, days_ago=days)
        closed_checkin(small_org.eva, small_org.leo, manager_value=value, days_ago=days + 3)
    kept = _figures()
    assert kept[6] and kept[7] and kept[8]  # reviewer ratings, covered statements, starts
    Standing.objects.all().delete()
    QuarterResult.objects.all().delete()
    ClosedStart.objects.all().delete()
    call_command("insights_backfill")
    assert "insights rebuilt from 8 closed check-in(s)" in capsys.readouterr().out
    assert _figures() == kept


def test_the_backfill_repairs_figures_a_batch_of_people_at_a_time(small_org):
    from craftpath.web.insights import aggregates

    for days, value in ((0, "Meets"), (120, "Not yet")):
        closed_checkin(small_org.ian, small_org.leo, manager_value=value, days_ago=days)
        closed_checkin(small_org.eva, small_org.leo, manager_value=value, days_ago=days + 3)
    kept = _figures()
    QuarterTally.objects.update(people=99, count=7)  # damaged figures, and a stray one
    QuarterTally.objects.create(quarter="2001-Q1", family_slug="x", level_slug="y",
                                kind="all", people=3)
    Standing.objects.filter(person=small_org.eva).delete()
    StandingArea.objects.filter(person=small_org.ian).update(share=0.5)
    batches = []
    assert aggregates.rebuild(lambda done, total: batches.append((done, total)),
                              people_per_batch=1) == 4
    assert batches == [(2, 4), (4, 4)]  # one person per batch, each its own transaction
    assert _figures() == kept


def test_a_second_close_in_a_quarter_moves_the_tallies_not_adds_to_them(small_org):
    closed_checkin(small_org.ian, small_org.leo, manager_value="Not yet")
    closed_checkin(small_org.ian, small_org.leo, manager_value="Exceeds")
    everyone = QuarterTally.objects.get(kind="all", organisation_id=small_org.leo.pk)
    assert everyone.people == 1 and everyone.shares == 1 and everyone.share_sum == 1.0
    ratings = dict(QuarterTally.objects.filter(kind="rating", organisation_id=0).values_list(
        "key", "count"))
    assert ratings["Not yet"] == 0 and ratings["Exceeds"] > 0
    assert QuarterResult.objects.get().checkin.entries.first().agreed_value == "Exceeds"


def test_deleting_a_manager_removes_their_organisations_tallies_only(small_org):
    closed_checkin(small_org.ian, small_org.leo, manager_value="Meets")
    mia, leo = small_org.mia.pk, small_org.leo.pk
    assert QuarterTally.objects.filter(organisation_id=mia).exists()  # Ian is in Mia's too
    kept = QuarterTally.objects.exclude(organisation_id=mia).count()
    small_org.leo.manager = None  # a manager with reports cannot be deleted
    small_org.leo.save()
    small_org.mia.delete()
    assert not QuarterTally.objects.filter(organisation_id=mia).exists()
    assert QuarterTally.objects.count() == kept > 0
    assert QuarterTally.objects.filter(organisation_id=leo).exists()
    assert QuarterTally.objects.filter(organisation_id=0).exists()
