"""Promotions through the actions (actions/promotions.py), for every role: who sees a case and
its votes, who nominates, votes and decides, what each refusal says, and that a refusal
changes nothing.

The world (built once for the module): the small organisation (Mia → Leo → Ian and Eva; Oto →
Sol; Pia people team; Ada admin) plus Dee (deactivated, people team) and Zed (an engineer under
nobody). A round is open; Leo has nominated Ian for Level 3. The committee deciding the family
is Oto (chair), Mia, Eva and Sol: Mia is above Ian, so she is recused from his case.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from craftpath.web.accounts.models import Role, User
from craftpath.web.actions import OPERATOR, Invalid, NotFound, Refused, Stale
from craftpath.web.actions import promotions as actions
from craftpath.web.audit.models import Event as AuditEntry
from craftpath.web.notifications.models import Kind, Notification
from craftpath.web.promotions.models import Case, Committee, Decision, LevelHistory, Round, Vote

from .checkin_helpers import open_and_closed
from .conftest import FAMILY, built_once_per_module, make_small_org, publish_seed

SOON = timezone.localdate() + timedelta(days=10)


def build_world(seed_load):
    publish_seed(seed_load)
    org = make_small_org()
    dee = User.objects.create_user("dee@example.com", name="Dee")
    dee.grant(Role.PEOPLE)
    User.objects.filter(pk=dee.pk).update(is_active=False)
    zed = User.objects.create_user("zed@example.com", name="Zed", family_slug=FAMILY,
                                   level_slug="level-4", track_slugs=["all"])
    zed.grant(Role.ENGINEER)
    open_and_closed(org.ian)  # a closed check-in for the case to assemble from
    User.objects.filter(pk=org.ian.pk).update(level_since=date(2024, 1, 1))
    promotion_round = actions.open_round(
        org.pia, name="Spring promotions", nominate_due=SOON,
        review_due=SOON + timedelta(days=7), decide_due=SOON + timedelta(days=14))
    committee = actions.set_committee(
        org.pia, promotion_round.pk, name="Engineering", family=FAMILY, levels=[],
        chair_email="oto@example.com",
        member_emails=["mia@example.com", "eva@example.com", "sol@example.com"])
    case = actions.nominate(User.objects.get(pk=org.leo.pk), promotion_round.pk, org.ian.pk,
                            "level-3", "Ian leads the edge deployment work.")
    return {"round": promotion_round.pk, "committee": committee.pk, "case": case.pk,
            **{name: person.pk for name, person in vars(org).items()},
            "dee": dee.pk, "zed": zed.pk}


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, seed_load):
    yield from built_once_per_module(django_db_blocker, lambda: build_world(seed_load))


@pytest.fixture
def world(shared_world, db):
    return shared_world


def who(world, name) -> User:
    """A fresh copy for each test: access.py caches the org chart on the object."""
    return User.objects.get(pk=world[name])


def stored(world) -> tuple:
    """Everything a promotion action may change, to check a refusal left it alone."""
    return (list(Case.objects.values_list("pk", "person_id", "target_level_slug",
                                          "person_statement", "revision")),
            list(Vote.objects.values_list("pk", "choice", "comment")),
            list(Decision.objects.values_list("pk", "outcome", "reasons")),
            list(Committee.objects.values_list("pk", "name", "chair_id")),
            list(Round.objects.values_list("pk", "closed_at")),
            list(LevelHistory.objects.values_list("pk")),
            list(User.objects.order_by("pk").values_list("pk", "level_slug")))


# --- the case as nominated --------------------------------------------------------------------

def test_the_case_assembles_its_evidence_on_the_version_it_was_nominated_on(world):
    case = Case.objects.get(pk=world["case"])
    assert case.family_slug == FAMILY
    assert (case.from_level_slug, case.target_level_slug) == ("level-4", "level-3")
    assert case.version.is_active and case.nominator_id == world["leo"]
    snapshot = case.snapshot
    assert snapshot["checkin"] is not None
    assert dict(snapshot["outcomes"]) and set(dict(snapshot["outcomes"])) == {"Meets"}
    readiness = snapshot["readiness"]
    assert readiness["applicable"] > 0 and case.readiness_areas
    assert all(area["reasons"] for area in case.readiness_areas)
    assert sum(area["applicable"] for area in case.readiness_areas) == readiness["applicable"]
    assert snapshot["days_in_level"] == (timezone.localdate() - date(2024, 1, 1)).days
    assert Notification.objects.filter(recipient_id=world["ian"],
                                       kind=Kind.PROMOTION_NOMINATED).exists()
    assert AuditEntry.objects.filter(subject_pk=world["ian"],
                                     target=f"promotion case {case.pk}").exists()


# --- who sees what ----------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "sees_case"), [
    ("ian", True), ("leo", True), ("mia", True), ("eva", True), ("sol", True), ("oto", True),
    ("pia", True), ("ada", False), ("dee", False), ("zed", False)])
def test_who_sees_the_case(world, name, sees_case):
    viewer = who(world, name)
    if not sees_case:
        with pytest.raises(NotFound):
            actions.read_case(viewer, world["case"])
        return
    view = actions.read_case(viewer, world["case"])
    assert view.case.pk == world["case"]


def test_votes_are_for_the_chair_the_people_team_and_members_once_they_voted(world):
    actions.cast_vote(who(world, "sol"), world["case"], "promote", "clear case")
    assert len(actions.read_case(who(world, "oto"), world["case"]).votes) == 1  # the chair
    assert len(actions.read_case(who(world, "pia"), world["case"]).votes) == 1
    assert len(actions.read_case(who(world, "sol"), world["case"]).votes) == 1  # voted
    assert actions.read_case(who(world, "eva"), world["case"]).votes is None  # not yet
    actions.cast_vote(who(world, "eva"), world["case"], "not_yet")
    assert len(actions.read_case(who(world, "eva"), world["case"]).votes) == 2
    # The person and their managers never see votes; Mia is on the committee but recused.
    for name in ("ian", "leo", "mia"):
        assert actions.read_case(who(world, name), world["case"]).votes is None, name
    rows = actions.calibration(who(world, "oto"), world["committee"]).groups[0][1]
    assert [(r.pk, r.votes_cast) for r in rows] == [(world["case"], 2)]


def test_the_person_never_sees_votes_even_in_the_people_team(world):
    ian = who(world, "ian")
    ian.grant(Role.PEOPLE)
    actions.cast_vote(who(world, "sol"), world["case"], "promote")
    assert actions.read_case(User.objects.get(pk=ian.pk), world["case"]).votes is None


def test_a_recused_member_cannot_vote_and_the_recusal_is_shown(world):
    before = stored(world)
    with pytest.raises(Refused):
        actions.cast_vote(who(world, "mia"), world["case"], "promote")
    assert stored(world) == before
    view = actions.read_case(who(world, "oto"), world["case"])
    assert [m.pk for m in view.recused] == [world["mia"]]


def test_calibration_leaves_out_the_cases_a_member_is_recused_from(world):
    sol_case = actions.nominate(who(world, "oto"), world["round"], world["sol"], "level-3",
                                "Sol runs the model registry.")
    oto = actions.calibration(who(world, "oto"), world["committee"])
    assert [r.pk for _, rows in oto.groups for r in rows] == [world["case"]]
    assert oto.recused == 1 and oto.is_chair  # Oto nominated Sol and is above him
    mia = actions.calibration(who(world, "mia"), world["committee"])
    assert [r.pk for _, rows in mia.groups for r in rows] == [sol_case.pk]
    assert mia.recused == 1
    everyone = actions.calibration(who(world, "pia"), world["committee"])
    assert sum(len(rows) for _, rows in everyone.groups) == 2
    for name in ("ian", "leo", "ada", "dee", "zed"):
        with pytest.raises(NotFound):
            actions.calibration(who(world, name), world["committee"])


def test_a_recused_member_cannot_open_the_case_through_the_committee(world):
    # Leo is a manager above Ian; put him on the committee: he still sees Ian's case as his
    # manager, but never its votes, and he cannot vote or decide on it.
    committee = Committee.objects.get(pk=world["committee"])
    committee.members.add(world["leo"])
    Committee.objects.filter(pk=committee.pk).update(chair_id=world["leo"])
    leo = who(world, "leo")
    view = actions.read_case(leo, world["case"])
    assert view.votes is None and not view.can_vote and not view.can_decide


# --- nominations ------------------------------------------------------------------------------

@pytest.mark.parametrize(("target", "says"), [
    ("level-5", "is not above"), ("level-4", "is not above"), ("level-9", "is not a level"),
    ("level-2", "is not a level"), ("", "is not a level")])
def test_a_nomination_for_a_level_not_above_theirs_is_refused_with_the_reason(world, target,
                                                                                says):
    before = stored(world)
    with pytest.raises(Invalid) as refused:
        actions.nominate(who(world, "leo"), world["round"], world["eva"], target, "Good work.")
    assert refused.value.field == "target_level" and says in refused.value.message
    assert stored(world) == before


def test_a_second_nomination_in_the_round_is_refused(world):
    before = stored(world)
    with pytest.raises(Invalid) as refused:
        actions.nominate(who(world, "mia"), world["round"], world["ian"], "level-3", "Again.")
    assert refused.value.field == "person" and "already" in refused.value.message
    assert stored(world) == before


@pytest.mark.parametrize(("name", "person", "error"), [
    ("leo", "sol", NotFound), ("ada", "ian", NotFound), ("dee", "eva", NotFound),
    ("eva", "eva", Refused), ("zed", "eva", NotFound), ("pia", "eva", Refused)])
def test_only_a_manager_nominates_a_report(world, name, person, error):
    before = stored(world)
    with pytest.raises(error):
        actions.nominate(who(world, name), world["round"], world[person], "level-3", "x")
    assert stored(world) == before


def test_a_nomination_without_a_statement_is_refused(world):
    before = stored(world)
    with pytest.raises(Invalid) as refused:
        actions.nominate(who(world, "leo"), world["round"], world["eva"], "level-3", "  ")
    assert refused.value.field == "statement"
    assert stored(world) == before


def test_self_nomination_when_the_round_allows_it_tells_the_manager(world):
    Round.objects.filter(pk=world["round"]).update(self_nomination=True)
    case = actions.nominate(who(world, "eva"), world["round"], world["eva"], "level-3",
                            "I lead the on-device work.")
    assert case.nominator_id == world["eva"]
    assert Notification.objects.filter(recipient_id=world["leo"],
                                       kind=Kind.PROMOTION_NOMINATED).exists()


def test_nominations_close_at_their_deadline(world):
    before = stored(world)
    with pytest.raises(Refused, match="closed"):
        actions.nominate(who(world, "leo"), world["round"], world["eva"], "level-3", "x",
                         today=SOON + timedelta(days=1))
    assert stored(world) == before


def test_the_person_adds_their_statement_and_nobody_else_does(world):
    before = stored(world)
    with pytest.raises(Refused):
        actions.add_person_statement(who(world, "leo"), world["case"], "words for Ian")
    with pytest.raises(NotFound):
        actions.add_person_statement(who(world, "zed"), world["case"], "x")
    assert stored(world) == before
    case = actions.add_person_statement(who(world, "ian"), world["case"], "My year.")
    assert case.person_statement == "My year." and case.revision == 1


# --- decisions --------------------------------------------------------------------------------

def _decide(world, name="oto", **kwargs):
    args = {"outcome": "promote", "reasons": "Consistently at Level 3.",
            "effective_date": timezone.localdate(), "revision": 0, **kwargs}
    return actions.decide(who(world, name), world["case"], **args)


def given_feedback(world, colleague, person="ian", state="submitted"):
    """A colleague's answered feedback request on the person's latest check-in."""
    from craftpath.web.checkins.models import CheckIn, FeedbackRequest

    checkin = CheckIn.objects.filter(person_id=world[person]).order_by("-pk").first()
    statement = checkin.entries.order_by("pk").first().statement_id
    return FeedbackRequest.objects.create(
        checkin=checkin, colleague_id=world[colleague], statement_ids=[statement],
        state=state, answers={statement: {"comment": f"{colleague}: unblocked our release.",
                                          "evidence": []}}, answered_at=timezone.now())


def test_the_person_chooses_which_peer_feedback_the_committee_reads(world):
    chosen, kept_back = given_feedback(world, "eva"), given_feedback(world, "sol")
    assert actions.read_case(who(world, "oto"), world["case"]).feedback == []
    mine = actions.read_case(who(world, "ian"), world["case"])
    assert {r.pk for r in mine.shareable} == {chosen.pk, kept_back.pk}
    assert actions.read_case(who(world, "oto"), world["case"]).shareable is None
    case = actions.share_feedback(who(world, "ian"), world["case"], [str(chosen.pk)])
    assert case.revision == 1
    assert [r.pk for r in actions.read_case(who(world, "oto"), world["case"]).feedback] == [
        chosen.pk]
    assert [r.pk for r in actions.read_case(who(world, "leo"), world["case"]).feedback] == [
        chosen.pk]
    assert AuditEntry.objects.filter(subject_pk=world["ian"],
                                     detail="person's shared peer feedback (1 answers)").exists()
    with pytest.raises(Stale):  # the chair's page was read before the feedback was shared
        _decide(world)
    actions.share_feedback(who(world, "ian"), world["case"], [])
    assert actions.read_case(who(world, "oto"), world["case"]).feedback == []


def test_only_the_person_shares_and_only_their_own_answered_feedback(world):
    asked = given_feedback(world, "eva", state="requested")
    open_and_closed(who(world, "sol"))
    others = given_feedback(world, "eva", person="sol")
    given = given_feedback(world, "zed")
    before = stored(world)
    for name in ("leo", "oto", "pia"):
        with pytest.raises(Refused):
            actions.share_feedback(who(world, name), world["case"], [given.pk])
    for bad in ([asked.pk], [others.pk], ["x"], [given.pk, 10**9]):
        with pytest.raises(Invalid) as refused:
            actions.share_feedback(who(world, "ian"), world["case"], bad)
        assert refused.value.field == "feedback"
    with pytest.raises(NotFound):
        actions.share_feedback(who(world, "zed"), world["case"], [given.pk])
    assert stored(world) == before
    assert not Case.objects.get(pk=world["case"]).shared_feedback.exists()
    _decide(world)
    with pytest.raises(Refused, match="decided"):
        actions.share_feedback(who(world, "ian"), world["case"], [given.pk])


def test_a_decision_needs_reasons(world):
    before = stored(world)
    with pytest.raises(Invalid) as refused:
        _decide(world, reasons=" ")
    assert refused.value.field == "reasons"
    assert stored(world) == before


@pytest.mark.parametrize(("field", "value"), [("outcome", "maybe"),
                                              ("effective_date", "next week")])
def test_a_decision_with_bad_input_names_the_field(world, field, value):
    before = stored(world)
    with pytest.raises(Invalid) as refused:
        _decide(world, **{field: value})
    assert refused.value.field == field
    assert stored(world) == before


@pytest.mark.parametrize(("name", "error"), [
    ("eva", Refused), ("sol", Refused), ("mia", Refused), ("pia", Refused),
    ("ian", Refused), ("leo", Refused), ("ada", NotFound), ("zed", NotFound),
    ("dee", NotFound)])
def test_only_the_chair_decides(world, name, error):
    before = stored(world)
    with pytest.raises(error):
        _decide(world, name)
    assert stored(world) == before


def test_deciding_twice_from_a_stale_page_is_refused_as_already_decided(world):
    first = _decide(world)
    before = stored(world)
    with pytest.raises(Stale) as second:
        _decide(world, outcome="decline", reasons="Other page.")
    assert "already decided" in second.value.message
    assert stored(world) == before
    assert Decision.objects.get(case_id=world["case"]).pk == first.pk


def test_a_decision_from_a_page_older_than_the_persons_statement_is_refused(world):
    actions.add_person_statement(who(world, "ian"), world["case"], "Late words.")
    before = stored(world)
    with pytest.raises(Stale):
        _decide(world, revision=0)
    assert stored(world) == before


def test_the_person_reads_the_decision_and_its_reasons_but_no_votes(world):
    actions.cast_vote(who(world, "sol"), world["case"], "promote")
    _decide(world)
    view = actions.read_case(who(world, "ian"), world["case"])
    assert view.decision.reasons == "Consistently at Level 3." and view.votes is None
    assert Notification.objects.filter(recipient_id=world["ian"],
                                       kind=Kind.PROMOTION_DECIDED).exists()
    with pytest.raises(Refused):  # votes close with the decision
        actions.cast_vote(who(world, "eva"), world["case"], "promote")


# --- the effective date -----------------------------------------------------------------------

def test_the_level_changes_on_the_effective_date_once(world):
    _decide(world, effective_date=timezone.localdate() + timedelta(days=3))
    assert actions.apply_due_decisions(OPERATOR) == 0  # not yet
    assert who(world, "ian").level_slug == "level-4"
    later = timezone.localdate() + timedelta(days=3)
    assert actions.apply_due_decisions(OPERATOR, later) == 1
    ian = who(world, "ian")
    assert (ian.level_slug, ian.level_since) == ("level-3", later)
    history = LevelHistory.objects.get(person=ian)
    assert (history.from_level_slug, history.to_level_slug, history.case_id) == (
        "level-4", "level-3", world["case"])
    assert {n.recipient_id for n in Notification.objects.filter(kind=Kind.LEVEL_CHANGED)} == {
        world["ian"], world["leo"]}
    assert AuditEntry.objects.filter(subject_pk=world["ian"],
                                     detail__startswith="level changed").exists()
    assert actions.apply_due_decisions(OPERATOR, later) == 0
    assert [h.pk for h in actions.level_history(who(world, "leo"), world["ian"])] == [history.pk]
    with pytest.raises(NotFound):
        actions.level_history(who(world, "zed"), world["ian"])


def test_the_open_checkin_moves_to_the_new_levels_statements_with_its_ratings(world):
    from craftpath.web.checkins import loop
    from craftpath.web.checkins import scope as scopes
    from craftpath.web.checkins.models import CheckIn, Evidence

    checkin = CheckIn.objects.get(person_id=world["ian"], closed_at=None)
    assert (checkin.level_slug, checkin.next_level_slug) == ("level-4", "level-3")
    items = scopes.of_checkin(checkin).items
    upper = [i.statement.id for i in items if i.level.slug == "level-3"]
    lower = {i.statement.id for i in items if i.level.slug == "level-4"} - set(upper)
    rated = checkin.entries.get(statement_id=upper[0])
    loop.save_voice(checkin, "self", upper[0], value="Meets", reason="", comment="kept",
                    revision=rated.self_revision)
    cited = Evidence.objects.create(owner_id=world["ian"], title="Edge rollout notes")
    rated.evidence.add(cited)
    version = checkin.version_id
    _decide(world)
    assert actions.apply_due_decisions(OPERATOR) == 1
    checkin.refresh_from_db()
    assert (checkin.level_slug, checkin.version_id) == ("level-3", version)
    assert checkin.next_level_slug not in ("level-3", "level-4")
    carried = checkin.entries.get(statement_id=upper[0])
    assert (carried.self_value, carried.self_comment) == ("Meets", "kept")
    assert list(carried.evidence.all()) == [cited]
    assert lower and not checkin.entries.filter(statement_id__in=lower).exists()
    assert set(checkin.entries.values_list("statement_id", flat=True)) == {
        i.statement.id for i in scopes.of_checkin(checkin).items}
    assert AuditEntry.objects.filter(subject_pk=world["ian"], target=f"check-in {checkin.pk}",
                                     detail__startswith="moved from level-4 to level-3").exists()
    told = Notification.objects.get(recipient_id=world["ian"], kind=Kind.LEVEL_CHANGED)
    assert "open check-in now shows your new level" in told.body


def test_a_checkin_that_cannot_move_stays_and_the_trail_says_why(world):
    from craftpath.web.checkins.models import CheckIn

    Case.objects.filter(pk=world["case"]).update(target_level_slug="level-9")
    _decide(world)
    assert actions.apply_due_decisions(OPERATOR) == 1  # the level changes all the same
    checkin = CheckIn.objects.get(person_id=world["ian"], closed_at=None)
    assert checkin.level_slug == "level-4"
    assert AuditEntry.objects.filter(target=f"check-in {checkin.pk}",
                                     detail__startswith="not moved to level-9").exists()


def test_a_level_set_by_hand_or_by_the_directory_is_kept_in_the_history_too(world):
    from craftpath.web.actions import people

    people.update_person(who(world, "ada"), world["eva"],
                         {"level": "level-3", "level_since": date(2026, 1, 5)})
    people.update_person(who(world, "ada"), world["eva"], {"name": "Eva Again"})  # no level
    people.import_directory(who(world, "ada"), (
        "email,name,manager_email,team,family,tracks,level,level_since\n"
        f"sol@example.com,Sol,oto@example.com,,{FAMILY},all,level-3,\n"), dry_run=False)
    kept = [(h.person_id, h.from_level_slug, h.to_level_slug, h.effective_date, h.case_id)
            for h in LevelHistory.objects.order_by("pk")]
    assert kept == [(world["eva"], "level-4", "level-3", date(2026, 1, 5), None),
                    (world["sol"], "level-4", "level-3", timezone.localdate(), None)]
    assert [h.to_level_slug for h in actions.level_history(who(world, "leo"),
                                                           world["eva"])] == ["level-3"]


def test_not_yet_changes_no_level(world):
    _decide(world, outcome="not_yet")
    assert actions.apply_due_decisions(OPERATOR) == 0
    assert who(world, "ian").level_slug == "level-4"


def test_only_the_people_team_runs_the_job_by_hand(world):
    _decide(world)
    before = stored(world)
    with pytest.raises(Refused):
        actions.apply_due_decisions(who(world, "oto"))
    assert stored(world) == before
    assert actions.apply_due_decisions(who(world, "pia")) == 1


def test_managers_who_nominated_nobody_are_reminded_before_the_nominations_deadline(world):
    key = f"promotion-{world['round']}-nominate-{SOON}"
    assert actions.remind_due(OPERATOR, SOON - timedelta(days=4)) == 0  # not yet
    assert actions.remind_due(OPERATOR, SOON - timedelta(days=2)) == 2
    reminded = Notification.objects.filter(kind=Kind.DEADLINE_APPROACHING, key=key)
    # Leo nominated Ian; Mia (above Leo) and Oto (above Sol) nominated nobody.
    assert {n.recipient_id for n in reminded} == {world["mia"], world["oto"]}
    assert reminded.first().link == f"/promotions/rounds/{world['round']}/nominate/"
    assert actions.remind_due(OPERATOR, SOON - timedelta(days=1)) == 0  # once per deadline
    with pytest.raises(Refused):
        actions.remind_due(who(world, "leo"), SOON)


def test_a_manager_whose_reports_are_all_nominated_is_not_reminded(world):
    Round.objects.filter(pk=world["round"]).update(self_nomination=True)
    actions.nominate(who(world, "sol"), world["round"], world["sol"], "level-3", "Mine.")
    actions.remind_due(OPERATOR, SOON)
    reminded = Notification.objects.filter(key=f"promotion-{world['round']}-nominate-{SOON}")
    assert {n.recipient_id for n in reminded} == {world["mia"]}


# --- rounds, committees, export ---------------------------------------------------------------

@pytest.mark.parametrize("name", ["leo", "ian", "ada", "dee"])
def test_only_the_people_team_opens_rounds_and_sets_committees(world, name):
    before = stored(world)
    with pytest.raises(Refused):
        actions.open_round(who(world, name), name="x", nominate_due=SOON, review_due=SOON,
                           decide_due=SOON)
    with pytest.raises(Refused):
        actions.set_committee(who(world, name), world["round"], name="x", family=FAMILY,
                              levels=[], chair_email="oto@example.com", member_emails=[])
    with pytest.raises(Refused):
        actions.export_decisions(who(world, name))
    assert stored(world) == before


@pytest.mark.parametrize(("fields", "field"), [
    ({"name": ""}, "name"), ({"review_due": SOON - timedelta(days=1)}, "review_due"),
    ({"decide_due": "soon"}, "decide_due"), ({"audience": "planets"}, "audience")])
def test_a_round_with_bad_input_names_the_field(world, fields, field):
    before = stored(world)
    args = {"name": "Autumn", "nominate_due": SOON, "review_due": SOON, "decide_due": SOON,
            **fields}
    with pytest.raises(Invalid) as refused:
        actions.open_round(who(world, "pia"), **args)
    assert refused.value.field == field
    assert stored(world) == before


@pytest.mark.parametrize(("fields", "field"), [
    ({"family": "bakers"}, "family"), ({"levels": ["level-9"]}, "levels"),
    ({"chair_email": "nobody@example.com"}, "chair"),
    ({"chair_email": "dee@example.com"}, "chair"),
    ({"member_emails": ["nobody@example.com"]}, "members")])
def test_a_committee_with_bad_input_names_the_field(world, fields, field):
    before = stored(world)
    args = {"name": "Seniors", "family": FAMILY, "levels": ["level-1"],
            "chair_email": "mia@example.com", "member_emails": [], **fields}
    with pytest.raises(Invalid) as refused:
        actions.set_committee(who(world, "pia"), world["round"], **args)
    assert refused.value.field == field
    assert stored(world) == before


def test_the_decisions_export_has_no_reasons_and_defuses_formulas(world):
    Case.objects.filter(pk=world["case"]).update(family_slug=FAMILY)
    User.objects.filter(pk=world["ian"]).update(name="=HYPERLINK(1)")
    _decide(world)
    text = actions.export_decisions(who(world, "pia"))
    lines = text.strip().splitlines()
    assert lines[0].startswith("round,email,name") and len(lines) == 2
    assert "'=HYPERLINK(1)" in lines[1] and "Consistently" not in text


def test_the_decisions_xlsx_has_the_csvs_rows_with_dates_as_dates_and_text_as_text(world):
    import io

    from openpyxl import load_workbook

    User.objects.filter(pk=world["ian"]).update(name="=HYPERLINK(1)")
    _decide(world)
    body = actions.export_decisions(who(world, "pia"), "xlsx")
    sheet = load_workbook(io.BytesIO(body)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert tuple(rows[0]) == actions.EXPORT_COLUMNS and len(rows) == 2
    values = dict(zip(rows[0], rows[1], strict=True))
    assert values["email"] == "ian@example.com" and values["name"] == "'=HYPERLINK(1)"
    assert values["effective_date"].date() == timezone.localdate()
    assert values["decision"] == "promote" and values["applied"] == "no"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert "Consistently" not in str(rows)
    assert AuditEntry.objects.filter(target="promotion decisions",
                                     detail="decisions XLSX (1 rows)").exists()
    with pytest.raises(NotFound):
        actions.export_decisions(who(world, "pia"), "ods")


def test_closing_a_round_stops_nominations(world):
    actions.close_round(who(world, "pia"), world["round"])
    with pytest.raises(Refused, match="closed"):
        actions.nominate(who(world, "leo"), world["round"], world["eva"], "level-3", "x")


# --- group figures ----------------------------------------------------------------------------

def _decided(world, name, target, outcome):
    person = who(world, name)
    case = Case.objects.create(round_id=world["round"], person=person,
        version=Round.objects.get(pk=world["round"]).version, family_slug=FAMILY,
        from_level_slug=person.level_slug,
        target_level_slug=target, statement="x", snapshot={"days_in_level": 100})
    Decision.objects.create(case=case, outcome=outcome, reasons="r",
                            effective_date=timezone.localdate())


def test_promotion_rates_withhold_small_groups_and_the_part_that_would_give_them_away(world):
    from craftpath.web.promotions import figures

    Case.objects.filter(pk=world["case"]).delete()
    for name, outcome in (("ian", "promote"), ("eva", "promote"), ("sol", "not_yet"),
                          ("zed", "decline")):
        _decided(world, name, "level-3", outcome)
    _decided(world, "leo", "level-1", "promote")
    shown = {row.key: row for row in figures.rates(minimum=1)}
    three = shown[(FAMILY, "level-3")]
    assert (three.decided, three.promoted, three.rate.value) == (4, 2, 0.5)
    assert shown[()].decided == 5 and shown[()].median_days == 100
    # Level 1 has one case: withheld; Level 3 then would give it away (5 - 4): withheld too.
    guarded = {row.key: row for row in figures.rates(minimum=3)}
    assert guarded[(FAMILY, "level-1")].withheld and guarded[(FAMILY, "level-3")].withheld
    assert guarded[(FAMILY, "level-3")].rate is None and guarded[(FAMILY, "level-3")].decided == 0
    assert not guarded[(FAMILY,)].withheld and guarded[(FAMILY,)].decided == 5


def test_promotion_rates_by_a_consented_attribute_leave_small_groups_out_by_name(world):
    from craftpath.web.insights.models import PersonAttribute
    from craftpath.web.promotions import figures

    Case.objects.filter(pk=world["case"]).delete()
    for name, outcome in (("ian", "promote"), ("eva", "promote"), ("sol", "not_yet"),
                          ("zed", "decline"), ("leo", "promote")):
        _decided(world, name, "level-3", outcome)
    for name, value in (("ian", "Woman"), ("eva", "woman "), ("sol", " Woman"), ("zed", "Man")):
        PersonAttribute.objects.create(person_id=world[name], kind="gender", value=value)
    rows = figures.rates(by="attribute", attribute="gender", minimum=2)
    # Zed alone says Man, Leo recorded nothing: both under 2, left out, names and all.
    assert [(r.label, r.decided, r.promoted, r.withheld) for r in rows] == [
        ("Everyone", 5, 3, False), ("Woman", 3, 2, False)]
    assert rows[1].rate.value == 2 / 3 and rows[1].rate.low < rows[1].rate.value
    assert [r.label for r in figures.rates(by="attribute", attribute="location",
                                           minimum=2)] == ["Everyone", "(not recorded)"]


def test_time_in_level_now_per_family_and_level_keeps_the_minimum(world):
    from craftpath.web.promotions import figures

    today = timezone.localdate()
    User.objects.filter(pk__in=[world[n] for n in ("eva", "sol")]).update(
        level_since=today - timedelta(days=100))
    rows = {r.key: r for r in figures.time_in_level(minimum=1, today=today)}
    level_four = rows[(FAMILY, "level-4")]
    assert level_four.people == 3 and level_four.median_days == 100  # Ian, Eva and Sol
    assert rows[()].people == 3
    hidden = {r.key: r for r in figures.time_in_level(minimum=4, today=today)}
    assert hidden[()].withheld and hidden[()].median_days is None and hidden[()].people == 0
    shown = actions.time_in_level_figures(who(world, "pia"), "team")
    assert shown and shown[0].label == "Everyone"
    with pytest.raises(Refused):
        actions.time_in_level_figures(who(world, "leo"))
    with pytest.raises(Invalid) as refused:
        actions.promotion_figures(who(world, "pia"), "attribute", "shoe size")
    assert refused.value.field == "attribute"


def test_promotion_figures_are_the_people_teams(world):
    for name in ("leo", "oto", "ian", "ada", "dee"):
        with pytest.raises(Refused):
            actions.promotion_figures(who(world, name))
    with pytest.raises(Invalid) as refused:
        actions.promotion_figures(who(world, "pia"), "planet")
    assert refused.value.field == "by"
    assert actions.promotion_figures(who(world, "pia"), "team") == []  # nothing decided yet


def test_a_version_published_during_the_round_leaves_each_case_on_its_own(world):
    from craftpath.web.frameworks.models import FrameworkVersion

    first = FrameworkVersion.objects.get(is_active=True)
    FrameworkVersion.objects.filter(pk=first.pk).update(is_active=False)
    second = FrameworkVersion.objects.create(label="next", name=first.name, content_hash="next",
                                             document=first.document, is_active=True)
    later = actions.nominate(who(world, "leo"), world["round"], world["eva"], "level-3", "x")
    assert later.version_id == second.pk
    assert Case.objects.get(pk=world["case"]).version_id == first.pk
    view = actions.read_case(who(world, "oto"), world["case"])
    assert view.case.version.label == first.label and view.can_decide
    _decide(world)
    assert actions.apply_due_decisions(OPERATOR) == 1
    assert who(world, "ian").level_slug == "level-3"


@pytest.mark.parametrize("how", ["erase_person", "anonymise_person"])
def test_erasing_or_anonymising_takes_the_persons_cases_and_frees_their_committees(world, how):
    from craftpath.web.actions import rights

    oto = who(world, "oto")  # chairs the committee; has a case of his own
    Round.objects.filter(pk=world["round"]).update(self_nomination=True)
    own = actions.nominate(oto, world["round"], oto.pk, "level-1", "Mine.")
    getattr(rights, how)(who(world, "pia"), oto.pk, "oto@example.com")
    assert not Case.objects.filter(pk=own.pk).exists()
    committee = Committee.objects.get(pk=world["committee"])
    assert committee.chair_id is None and oto.pk not in committee.member_ids()
    assert Case.objects.filter(pk=world["case"]).exists()  # Ian's case stays
    with pytest.raises(Refused):  # nobody chairs: nobody decides until one is named
        _decide(world, "sol")
