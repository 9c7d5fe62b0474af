"""Who may see and change what: the one place that decides, for every view, export and command.

Views, the admin site and the directory export ask these functions and never filter people
themselves. The rules, by role (a person may hold several; each adds to what they may do):

- anyone signed in: their own profile, progress and notes;
- manager: the same for their direct and indirect reports (following manager links down);
- people team: every person's profile and progress, read only; the directory export;
- admin: every person's profile, and changing people, roles, teams and the directory
  (the admin site, the API, SCIM, import); not anyone's progress, unless they also hold
  another role that allows it; never their own roles, and never a reporting line to
  themselves or below them (either would give them sight of progress);
- framework editor (admins too): drafts of the next framework version, and publishing them;
- people team, again: carrying everyone's open check-ins to a new version in bulk;
- assigned reviewer: whoever a check-in names as its reviewer (a review cycle names the
  person's manager at launch, and the people team may hand it to someone else when a manager
  leaves) reviews that check-in like a manager, even from outside the person's chain.
- peer: a colleague asked for feedback sees the statements chosen for them and the person's
  name, nothing else of the check-in (never a rating).

Insights (group figures): a manager sees them over the people below them, the people team
over everyone; fairness figures and the insights settings are the people team's alone. A
person's optional attributes are seen by nobody but that person, whatever their role.
Importing and publishing a framework on the Import page: admins and the people team.

Everyone sees who looked at or changed their own data (the audit trail); the people team
searches the whole trail, and erases or anonymises people (data rights); everyone downloads
what craftpath holds about them.

A private note is visible to its author only, whatever roles anyone holds. A shared note is
visible to its author and to whoever may see the progress of the person it is about.

Someone who may not see a person gets a 404 for them, never a 403, so ids cannot be probed.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from .accounts import orgchart
from .accounts.models import Note, Role, User


def signed_in(viewer) -> bool:
    return bool(viewer is not None and viewer.is_authenticated and viewer.is_active)


def _has(viewer, role: str) -> bool:
    return signed_in(viewer) and viewer.has_role(role)


def report_ids(manager: User) -> set[int]:
    """Everyone below `manager` in the org chart (accounts/orgchart.py's one walk)."""
    return orgchart.below(manager.pk)


def _managed_ids(viewer) -> set[int]:
    if not _has(viewer, Role.MANAGER):
        return set()
    cached = getattr(viewer, "_report_ids", None)
    if cached is None:
        cached = viewer._report_ids = report_ids(viewer)
    return cached


def _sees_everyone(viewer) -> bool:
    return _has(viewer, Role.PEOPLE) or _has(viewer, Role.ADMIN)


# --- people ---------------------------------------------------------------------------------

def visible_people(viewer) -> QuerySet[User]:
    """The people whose profile `viewer` may see, as a queryset to filter further."""
    if not signed_in(viewer):
        return User.objects.none()
    if _sees_everyone(viewer):
        return User.objects.all()
    return User.objects.filter(pk__in={viewer.pk} | _managed_ids(viewer))


def can_view_org_chart(viewer) -> bool:
    """Anyone signed in: the chart shows only the people visible_people gives them."""
    return signed_in(viewer)


def can_view_progress(viewer, person: User) -> bool:
    """Assessments, reviews and shared notes: the person, their managers, the people team."""
    if not signed_in(viewer):
        return False
    return (person.pk == viewer.pk or _has(viewer, Role.PEOPLE)
            or person.pk in _managed_ids(viewer))


def progress_visible_people(viewer) -> QuerySet[User]:
    """The people whose progress `viewer` may see (can_view_progress), as a queryset."""
    if not signed_in(viewer):
        return User.objects.none()
    if _has(viewer, Role.PEOPLE):
        return User.objects.all()
    return User.objects.filter(pk__in={viewer.pk} | _managed_ids(viewer))


def can_write_note_about(viewer, person: User) -> bool:
    """The person themselves and their managers; the people team only reads."""
    if not signed_in(viewer):
        return False
    return person.pk == viewer.pk or person.pk in _managed_ids(viewer)


# Changing people: one rule per action (actions/people.py), so that changing who may do one
# thing does not quietly change who may do another. Admins change accounts, but nobody changes
# their own roles or puts anyone under themselves: an admin who could would read progress
# (the people team's role, or a manager's) that an admin does not see.

def can_create_person(viewer) -> bool:
    return _has(viewer, Role.ADMIN)


def can_change_person(viewer, person: User) -> bool:
    """Name, teams, family, tracks and level."""
    return _has(viewer, Role.ADMIN)


def can_change_email(viewer, person: User) -> bool:
    """The sign-in address (actions/people.py keeps the changer from taking the account)."""
    return _has(viewer, Role.ADMIN)


def can_set_active(viewer, person: User) -> bool:
    """Deactivating or reactivating someone; not oneself (an admin locking themselves out,
    or reactivating their own account, is another admin's call)."""
    return _has(viewer, Role.ADMIN) and person.pk != viewer.pk


def can_set_roles(viewer, person: User) -> bool:
    """Granting or removing roles: never one's own."""
    return _has(viewer, Role.ADMIN) and person.pk != viewer.pk


def can_give_or_take_role(viewer, person: User, role: str) -> bool:
    """Each role given or taken, beyond can_set_roles. The people-team role shows everyone's
    progress, so only someone who holds it gives or takes it: an admin (who sees nobody's
    progress) could otherwise create an account on a mailbox they read and make it people
    team. The first people-team member is named on the command line (`craftpath roles`)."""
    return can_set_roles(viewer, person) and (role != Role.PEOPLE or _has(viewer, Role.PEOPLE))


def can_change_manager(viewer, person: User, manager: User | None) -> bool:
    """Who `person` reports to. Nobody makes someone report to them or to anyone below them,
    unless that person is under them already (moving within one's own part of the chart
    gives nobody new sight of anyone)."""
    if not _has(viewer, Role.ADMIN):
        return False
    if manager is None or person.pk == viewer.pk:
        return True
    if not _at_or_below(viewer, manager):
        return True
    stored = User.objects.filter(pk=person.pk).values_list("manager_id", flat=True).first() \
        if person.pk is not None else None
    return stored is not None and _at_or_below(viewer, User(pk=stored))


def _at_or_below(viewer, person: User) -> bool:
    """Whether `person` is `viewer` or anyone below them, whatever roles they hold."""
    return orgchart.is_at_or_above(viewer.pk, person.pk)


def can_manage_teams(viewer) -> bool:
    """Adding, renaming and deleting teams, and who is in them."""
    return _has(viewer, Role.ADMIN)


def can_import_directory(viewer) -> bool:
    """A directory CSV from the app (the command line's operator may always)."""
    return _has(viewer, Role.ADMIN)


def can_manage_scim(viewer) -> bool:
    """Holding and using a SCIM token: provisioning people from an identity provider."""
    return _has(viewer, Role.ADMIN)


def can_issue_admin_token(viewer) -> bool:
    """An API token of the admin scope (people, teams, roles and webhooks through the API)."""
    return _has(viewer, Role.ADMIN)


def can_manage_own_second_factor(viewer) -> bool:
    """Turning one's own second factor on or off, new recovery codes: one's own only."""
    return signed_in(viewer)


def must_use_two_factor(person) -> bool:
    """Whose account needs a second factor when the setting asks for it: those who see or
    change everyone (the people team, admins)."""
    return _has(person, Role.ADMIN) or _has(person, Role.PEOPLE)


def can_import_framework(viewer) -> bool:
    """The Import page: upload a framework, see what was inferred, publish it."""
    return _has(viewer, Role.ADMIN) or _has(viewer, Role.PEOPLE)


def can_export_directory(viewer) -> bool:
    return _has(viewer, Role.ADMIN) or _has(viewer, Role.PEOPLE)


def may_use_admin_site(viewer) -> bool:
    # Django's admin asks User.is_staff / has_perm, which answer from here.
    return _has(viewer, Role.ADMIN)


# --- notes ----------------------------------------------------------------------------------

def visible_notes(viewer, person: User) -> QuerySet[Note]:
    """Notes about `person` that `viewer` may read."""
    if not signed_in(viewer):
        return Note.objects.none()
    mine = Q(author=viewer)
    if can_view_progress(viewer, person):
        mine |= Q(private=False)
    return Note.objects.filter(mine, about=person).select_related("author")


def can_view_note(viewer, note: Note) -> bool:
    if not signed_in(viewer):
        return False
    if note.author_id == viewer.pk:
        return True
    return not note.private and can_view_progress(viewer, note.about)


def can_delete_note(viewer, note: Note) -> bool:
    return signed_in(viewer) and note.author_id == viewer.pk


# --- check-ins ------------------------------------------------------------------------------
# A check-in is progress data: whoever may see the person's progress may open it. Within it,
# each voice stays with its author until both the self-assessment and the review are
# submitted, so neither rates with the other's answers in view (the blind review).

def _assigned_reviewer(viewer, checkin) -> bool:
    return (signed_in(viewer) and checkin.reviewer_id == viewer.pk
            and checkin.person_id != viewer.pk)


def can_view_checkin(viewer, checkin) -> bool:
    return can_view_progress(viewer, checkin.person) or _assigned_reviewer(viewer, checkin)


def can_start_checkin(viewer, person) -> bool:
    """People start their own check-ins."""
    return signed_in(viewer) and person.pk == viewer.pk


def can_self_assess(viewer, checkin) -> bool:
    return signed_in(viewer) and checkin.person_id == viewer.pk


def can_review_checkin(viewer, checkin) -> bool:
    """The manager's voice: anyone the person reports to, directly or not, and the reviewer
    the check-in names."""
    return signed_in(viewer) and (checkin.person_id in _managed_ids(viewer)
                                  or _assigned_reviewer(viewer, checkin))


def can_see_voice(viewer, checkin, side: str) -> bool:
    """`side` is "self", "manager" or "agreed"."""
    if not can_view_checkin(viewer, checkin):
        return False
    if checkin.both_submitted:
        return True
    if side == "self":
        return can_self_assess(viewer, checkin)
    if side == "manager":
        return can_review_checkin(viewer, checkin)
    return False


def can_agree_checkin(viewer, checkin) -> bool:
    """The outcome is agreed by the two of them together."""
    return can_self_assess(viewer, checkin) or can_review_checkin(viewer, checkin)


def can_close_checkin(viewer, checkin) -> bool:
    return can_review_checkin(viewer, checkin)


def can_edit_evidence(viewer, evidence) -> bool:
    """An evidence log is kept by its owner; others see it through check-ins."""
    return signed_in(viewer) and evidence.owner_id == viewer.pk


def can_edit_growth_plan(viewer, person) -> bool:
    return can_write_note_about(viewer, person)


# One named rule per check-in action (actions/checkins.py), so that changing who may do one
# never changes who may do another.

def can_read_checkin(viewer, checkin) -> bool:
    """Open a check-in, its ratings, outcomes and evidence (the voices as can_see_voice
    allows)."""
    return can_view_checkin(viewer, checkin)


def can_rate_checkin(viewer, checkin) -> bool:
    """Save a rating on one's own side: the person (self) or a reviewer (manager)."""
    return can_self_assess(viewer, checkin) or can_review_checkin(viewer, checkin)


def can_submit_checkin(viewer, checkin) -> bool:
    return can_self_assess(viewer, checkin) or can_review_checkin(viewer, checkin)


def can_save_outcome(viewer, checkin) -> bool:
    return can_agree_checkin(viewer, checkin)


def can_agree_matching(viewer, checkin) -> bool:
    return can_agree_checkin(viewer, checkin)


def can_save_summary(viewer, checkin) -> bool:
    return can_agree_checkin(viewer, checkin)


def can_move_checkin(viewer, checkin) -> bool:
    """Carry an open check-in to the active framework version: the person or a reviewer."""
    return can_self_assess(viewer, checkin) or can_review_checkin(viewer, checkin)


def can_import_self_assessment(viewer, checkin) -> bool:
    """A spreadsheet is imported as a self-assessment, by its person only."""
    return can_self_assess(viewer, checkin)


def can_export_checkin(viewer, checkin) -> bool:
    """A check-in as a spreadsheet: whoever may open it (the sheet holds only the voices
    they may see)."""
    return can_view_checkin(viewer, checkin)


def can_export_packet(viewer, checkin) -> bool:
    """The promotion packet of a closed check-in: whoever may open it."""
    return can_view_checkin(viewer, checkin)


def can_add_checkin_evidence(viewer, checkin) -> bool:
    """Add an evidence item from inside a check-in and attach it: the person."""
    return can_self_assess(viewer, checkin)


def can_read_growth_plan(viewer, person) -> bool:
    return can_view_progress(viewer, person)


def can_read_checkin_audit(viewer, person) -> bool:
    """Who opened or changed someone's check-ins: that person, and the people team."""
    return signed_in(viewer) and (person.pk == viewer.pk or _has(viewer, Role.PEOPLE))


def can_view_team_checkins(viewer) -> bool:
    return _has(viewer, Role.MANAGER)


def team_members(viewer) -> QuerySet[User]:
    """The people on `viewer`'s team page: everyone below them in the org chart (direct and
    indirect reports), never themselves; nobody for someone who is not a manager."""
    if not can_view_team_checkins(viewer):
        return User.objects.none()
    # Everyone a manager manages is visible to them (visible_people), so no second filter.
    return User.objects.filter(pk__in=_managed_ids(viewer) - {viewer.pk})


# --- the audit trail and data rights --------------------------------------------------------

def can_read_own_audit(viewer) -> bool:
    """Everyone signed in sees who looked at or changed their own data."""
    return signed_in(viewer)


def can_search_audit(viewer) -> bool:
    """The whole trail (who looked at whom) is for the people team."""
    return _has(viewer, Role.PEOPLE)


def can_export_own_data(viewer, person: User) -> bool:
    """A copy of everything craftpath holds about a person is for that person alone: not
    their manager, not the people team (who answer a request by asking the person to
    download it, or by the command line)."""
    return signed_in(viewer) and person.pk == viewer.pk


def can_erase_person(viewer, person: User) -> bool:
    """Erasing someone is the people team's, never one's own account (an erasure of oneself
    is asked of the people team, who are then on the record for it)."""
    return _has(viewer, Role.PEOPLE) and person.pk != viewer.pk


def can_anonymise_person(viewer, person: User) -> bool:
    """Anonymising someone (a nameless tombstone kept in place of the account): the people
    team's, never one's own account."""
    return _has(viewer, Role.PEOPLE) and person.pk != viewer.pk


# --- the framework ----------------------------------------------------------------------------
# Published pages are public. Drafts are work in progress: editors only (a 403 for anyone
# else signed in; nothing about a person is in them, so there is nothing to hide by a 404).

def can_edit_framework(viewer) -> bool:
    """Open, edit, discard and publish drafts: framework editors, and admins implicitly."""
    return _has(viewer, Role.EDITOR) or _has(viewer, Role.ADMIN)


def can_publish_framework(viewer) -> bool:
    """Publish a draft as the new active version (actions.frameworks.publish_draft)."""
    return _has(viewer, Role.EDITOR) or _has(viewer, Role.ADMIN)


def can_carry_checkins_in_bulk(viewer) -> bool:
    """Move every open check-in to the active version with the statement mapping."""
    return _has(viewer, Role.PEOPLE)


def can_ask_about_evidence(viewer, checkin, evidence) -> bool:
    """Asking the evidence assistant which statements of a check-in an item may also support:
    whoever sees the person's own voice there (it holds the evidence links, blind until both
    have submitted), about an item the person cites in it; the person about any of theirs."""
    if evidence.owner_id != checkin.person_id or not can_see_voice(viewer, checkin, "self"):
        return False
    return (evidence.owner_id == viewer.pk
            or checkin.entries.filter(evidence=evidence).exists())


# --- insights -------------------------------------------------------------------------------
# Group figures over the people below a manager, or everyone for the people team. Which
# figures may be shown at all is decided by insights/privacy.py (the minimum group size).

def can_view_insights(viewer) -> bool:
    return _has(viewer, Role.MANAGER) or _has(viewer, Role.PEOPLE)


def can_view_fairness(viewer) -> bool:
    """Figures by optional attribute: the people team only, and only in aggregate."""
    return _has(viewer, Role.PEOPLE)


def can_change_insight_settings(viewer) -> bool:
    return _has(viewer, Role.PEOPLE)


def can_switch_assistant_learning(viewer) -> bool:
    """Whether the evidence assistant learns from people's links is the people team's call."""
    return _has(viewer, Role.PEOPLE)


def can_record_attributes(viewer, person) -> bool:
    """A person's optional attributes are theirs alone: nobody else reads or writes them."""
    return signed_in(viewer) and person.pk == viewer.pk


def people_below(manager: User) -> QuerySet[User]:
    """Everyone below `manager`, as one query, so a large organisation costs no list of ids."""
    return User.objects.filter(pk__in=RawSQL(*orgchart.below_sql(manager.pk)))


def insight_population(viewer) -> QuerySet[User] | None:
    """Whose data feeds `viewer`'s insights: None for everyone (the people team), the people
    below them for a manager, nobody otherwise. Each of them is someone whose progress the
    viewer may see (can_view_progress), so naming them beside a figure tells nothing new."""
    if _has(viewer, Role.PEOPLE):
        return None
    if _has(viewer, Role.MANAGER):
        return people_below(viewer)
    return User.objects.none()


def insight_population_outside(viewer) -> list[int] | None:
    """The ids of everyone not in insight_population(viewer) (None when that is everyone),
    found by EXCEPT, which the database hashes (NOT IN over a recursive query it misjudges
    as huge would be checked row by row)."""
    if _has(viewer, Role.PEOPLE):
        return None
    if not _has(viewer, Role.MANAGER):
        return list(User.objects.values_list("pk", flat=True))
    table = User._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(*orgchart.below_sql(
            viewer.pk, f"SELECT id FROM {table} EXCEPT SELECT id FROM below"))
        return [row[0] for row in cursor.fetchall()]


# --- invitations, cycles, notifications -------------------------------------------------------

def can_invite(viewer) -> bool:
    """Sending someone an invitation (a link to choose a password)."""
    return _has(viewer, Role.ADMIN) or _has(viewer, Role.PEOPLE)


def can_run_cycles(viewer) -> bool:
    """Creating, launching and running review cycles, and seeing their progress."""
    return _has(viewer, Role.PEOPLE)


def can_launch_cycle(viewer) -> bool:
    return _has(viewer, Role.PEOPLE)


def can_extend_cycle(viewer) -> bool:
    """Move a stage's deadline."""
    return _has(viewer, Role.PEOPLE)


def can_remind_cycle(viewer) -> bool:
    return _has(viewer, Role.PEOPLE)


def can_close_cycle(viewer) -> bool:
    return _has(viewer, Role.PEOPLE)


def can_edit_cycle(viewer) -> bool:
    """Create, edit or discard a cycle not launched yet."""
    return _has(viewer, Role.PEOPLE)


def can_reassign_reviews(viewer) -> bool:
    """Hand the reviews of a cycle to someone else (each handover also asks
    may_be_handed_review)."""
    return _has(viewer, Role.PEOPLE)


def may_be_handed_review(viewer, reviewer: User, person: User) -> str:
    """Why `viewer` (the people team) may not hand `person`'s review to `reviewer`, or "".

    A manager above the person may always review them. Anyone else the people team names
    must be active, must not be the one handing it over (the people team does not write the
    reviews it oversees), nor the person, nor anyone below the person in the org chart."""
    if not reviewer.is_active:
        return "they are not active"
    if reviewer.pk == person.pk:
        return "it is their own check-in"
    if person.pk in report_ids(reviewer):
        return ""  # a manager in their chain
    if viewer is not None and reviewer.pk == getattr(viewer, "pk", None):
        return "you oversee the review, so you may not write it"
    if reviewer.pk in report_ids(person):
        return "they report to the person"
    return ""


def can_see_failed_emails(viewer) -> bool:
    return _has(viewer, Role.PEOPLE)


def can_retry_failed_emails(viewer) -> bool:
    return _has(viewer, Role.PEOPLE)


# --- peer feedback --------------------------------------------------------------------------

def can_request_feedback(viewer, checkin) -> bool:
    """The person or their reviewer asks colleagues, while the check-in is open."""
    return can_agree_checkin(viewer, checkin) and not checkin.is_closed


def can_read_feedback(viewer, checkin) -> bool:
    """Feedback is for the person and their reviewers (not the people team, not peers)."""
    return can_agree_checkin(viewer, checkin)


def can_answer_feedback(viewer, request) -> bool:
    """Only the colleague asked; they see the chosen statements and the person's name."""
    return signed_in(viewer) and request.colleague_id == viewer.pk


# --- webhooks -------------------------------------------------------------------------------

def can_manage_webhooks(viewer) -> bool:
    """Registering, changing and listing webhook endpoints and their deliveries."""
    return _has(viewer, Role.ADMIN)


def can_own_webhooks(owner) -> bool:
    """Whether deliveries may still go to the endpoints `owner` registered: they stop when the
    owner loses the role (or the account is deactivated or deleted)."""
    return _has(owner, Role.ADMIN)


def can_decline_feedback(viewer, request) -> bool:
    return signed_in(viewer) and request.colleague_id == viewer.pk


# --- promotions -----------------------------------------------------------------------------
# A case is seen by its person, the managers above them, the people team, and the members of
# the committee that decides it, minus recusals: a member who is the person, the nominator or
# anyone above the person in the org chart never sees the case. Votes are private: the chair,
# the people team, and each member once they cast their own see them; the person never does,
# whatever roles they hold. Admins see nothing of cases (unless another role lets them).

def people_below_ids(viewer) -> set[int]:
    """Everyone below `viewer` in the org chart, whatever roles they hold (for recusals)."""
    cached = getattr(viewer, "_below_ids", None)
    if cached is None:
        cached = viewer._below_ids = orgchart.below(viewer.pk)
    return cached


def is_recused(viewer, case) -> bool:
    """A committee member never decides a case they are too close to."""
    return (case.person_id == viewer.pk or case.nominator_id == viewer.pk
            or case.person_id in people_below_ids(viewer))


def _deciding_member(viewer, case, committee) -> bool:
    return (signed_in(viewer) and committee is not None and committee.decides(case)
            and viewer.pk in committee.member_ids() and not is_recused(viewer, case))


def can_open_round(viewer) -> bool:
    return _has(viewer, Role.PEOPLE)


def can_view_rounds(viewer) -> bool:
    """Every round with its progress and committees: the people team."""
    return _has(viewer, Role.PEOPLE)


def can_close_round(viewer) -> bool:
    return _has(viewer, Role.PEOPLE)


def can_set_committee(viewer) -> bool:
    return _has(viewer, Role.PEOPLE)


def can_nominate(viewer, person: User, promotion_round) -> bool:
    """A manager nominates someone below them; a person themselves when the round allows it."""
    if not signed_in(viewer) or not person.is_active:
        return False
    if person.pk == viewer.pk:
        return bool(promotion_round.self_nomination)
    return person.pk in _managed_ids(viewer)


def can_nominate_in(viewer, promotion_round) -> bool:
    """Whether a round is offered to `viewer` for nominations: managers, and everyone signed
    in when the round lets people nominate themselves (can_nominate decides per person)."""
    return _has(viewer, Role.MANAGER) or (signed_in(viewer)
                                          and bool(promotion_round.self_nomination))


def can_read_case(viewer, case, committee=None) -> bool:
    """`committee` is the one deciding the case (None when no committee decides it yet)."""
    if not signed_in(viewer):
        return False
    return (case.person_id == viewer.pk or _has(viewer, Role.PEOPLE)
            or case.person_id in _managed_ids(viewer)
            or _deciding_member(viewer, case, committee))


def can_read_case_packet(viewer, case, committee=None) -> bool:
    """The packet of the check-in a case was assembled from: whoever may read the case."""
    return can_read_case(viewer, case, committee)


def can_add_person_statement(viewer, case) -> bool:
    return signed_in(viewer) and case.person_id == viewer.pk


def can_share_feedback_in_case(viewer, case) -> bool:
    """Peer feedback goes to the person and their reviewers; only the person shows it to the
    committee, choosing which answers."""
    return signed_in(viewer) and case.person_id == viewer.pk


def can_cast_vote(viewer, case, committee) -> bool:
    return _deciding_member(viewer, case, committee)


def can_read_votes(viewer, case, committee, has_voted: bool) -> bool:
    """The chair and the people team; a member once they have voted; never the person."""
    if not signed_in(viewer) or case.person_id == viewer.pk:
        return False
    if _has(viewer, Role.PEOPLE):
        return True
    if not _deciding_member(viewer, case, committee):
        return False
    return committee.chair_id == viewer.pk or has_voted


def can_decide_case(viewer, case, committee) -> bool:
    """The committee's chair, unless recused."""
    return _deciding_member(viewer, case, committee) and committee.chair_id == viewer.pk


def can_view_calibration(viewer, committee) -> bool:
    """A committee's cases side by side: its members (each minus their recusals) and the
    people team."""
    return signed_in(viewer) and (_has(viewer, Role.PEOPLE)
                                  or viewer.pk in committee.member_ids())


def can_export_decisions(viewer) -> bool:
    """Every decision as a file for the HR system: the people team."""
    return _has(viewer, Role.PEOPLE)


def can_read_level_history(viewer, person: User) -> bool:
    return can_view_progress(viewer, person)


def case_people_ids(viewer) -> set[int]:
    """Whose cases are listed on `viewer`'s promotions page: their own and those below them
    as a manager (a committee's cases are on its calibration page)."""
    if not signed_in(viewer):
        return set()
    return {viewer.pk} | _managed_ids(viewer)


def can_apply_promotions(viewer) -> bool:
    """Running the effective-date job by hand (the worker runs it as the command line)."""
    return _has(viewer, Role.PEOPLE)


def can_send_promotion_reminders(viewer) -> bool:
    return _has(viewer, Role.PEOPLE)


def can_view_promotion_figures(viewer) -> bool:
    """Promotion rates and time in level by group (withheld below the minimum group size):
    the people team."""
    return _has(viewer, Role.PEOPLE)


def can_view_committee_rates(viewer, committee) -> bool:
    """The same figures for a committee's family beside its cases: whoever sees the view."""
    return can_view_calibration(viewer, committee)
