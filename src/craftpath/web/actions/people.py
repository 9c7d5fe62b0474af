"""People, roles, teams and invitations: every change to someone's account, whichever door
asks (the admin site, the API, SCIM, the command line), and the reads of someone's record.

Changes are given as a dict of what the door was sent, by the API's field names:
email, name, given_name, family_name, department, manager_id (or manager_email), team_ids,
family, tracks, level, level_since, active, external_id. A name made of given and family names
follows them (when none is given, or the stored one was made so). Only values that differ
from what is stored count as changes, so a form that sends every field back asks only the
rules of what it changes.

Who is recorded: role and manager changes are recorded by audit/signals.py as the rows
change (so a change made in `manage shell` is on the record too); each action names its
viewer as the one acting (trail.acting_as), so every door's change is recorded once, with
who made it. Everything else is recorded here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from craftpath import config
from craftpath.web import access
from craftpath.web.accounts import directory, invitations
from craftpath.web.accounts.models import (
    Invitation,
    ManagerCycleError,
    Role,
    RoleGrant,
    Team,
    User,
    check_no_cycle,
    normalise_email,
)
from craftpath.web.api.models import ScimExternalId
from craftpath.web.audit import trail
from craftpath.web.audit.models import Action
from craftpath.web.ids import parse_id
from craftpath.web.notifications.models import Kind
from craftpath.web.notifications.notify import notify
from craftpath.web.promotions.models import LevelHistory

from .errors import Invalid, NotFound, Refused
from .recording import OPERATOR, record, record_read

OWN_ROLES = "Nobody changes their own roles; another admin must."
OWN_LINE = ("you cannot make {person} report to you or to someone below you; another admin "
            "must make that change")
PEOPLE_ROLE = ("The people-team role is given and taken only by someone who holds it (or on "
               "the command line: craftpath roles).")
OWN_ACTIVE = "Nobody deactivates or reactivates their own account; another admin must."
ADMINS_ONLY = "Only admins change people, teams and roles."


def _length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


NAME_LENGTH = _length(User, "name")
PART_LENGTHS = {"given_name": _length(User, "given_name"),
                "family_name": _length(User, "family_name"),
                "department": _length(User, "department")}
EMAIL_LENGTH = _length(User, "email")
TEAM_NAME_LENGTH = _length(Team, "name")


def _external_length() -> int:
    return _length(ScimExternalId, "value")


class Taken(Invalid):
    """The email or team name belongs to another already (SCIM answers 409, uniqueness)."""


# --- who may, and the people a viewer may act on ------------------------------------------------

def _may(viewer, rule, *args) -> bool:
    # The command line's operator holds the database itself (recording.py): not limited.
    return viewer is OPERATOR or rule(viewer, *args)


def _actor(viewer):
    return None if viewer is OPERATOR else viewer


def _people(viewer):
    return User.objects.all() if viewer is OPERATOR else access.visible_people(viewer)


def _locked_person(viewer, person_id) -> User:
    """The person, their row locked until the transaction ends; NotFound for an id that is
    not one, or someone the viewer may not see."""
    pk = parse_id(person_id)
    person = _people(viewer).select_for_update().filter(pk=pk).first() if pk else None
    if person is None:
        raise NotFound("person")
    return person


def _clean_text(value, field_name: str, most: int, problems: list, required=True) -> str:
    if not isinstance(value, str):
        problems.append({"field": field_name, "detail": "must be text"})
        return ""
    text = value.strip()
    if "\x00" in text:
        problems.append({"field": field_name, "detail": "contains a NUL character"})
    elif len(text) > most:
        problems.append({"field": field_name, "detail": f"is longer than {most} characters"})
    elif required and not text:
        problems.append({"field": field_name, "detail": "is empty"})
    return text


def _refuse_invalid(problems: list) -> None:
    if problems:
        first = problems[0]
        error = Taken if any(p.get("taken") for p in problems) else Invalid
        raise error(f"{first['field']}: {first['detail']}",
                    problems=[{"field": p["field"], "detail": p["detail"]} for p in problems])


# --- reading ----------------------------------------------------------------------------------

def read_person(viewer, person_id, target: str = "profile") -> User:
    """Someone's record (name, email, manager, teams, roles), the read on the record when it
    is someone else's."""
    pk = parse_id(person_id)
    person = _people(viewer).prefetch_related("teams", "roles").filter(pk=pk).first() \
        if pk else None
    if person is None:
        raise NotFound("person")
    record_read(viewer, person, target)
    return person


def find_person(viewer, person_id) -> User:
    """The person when the viewer may see them, NotFound otherwise; not a read of their data
    (for a door that acts on someone and names them in its answer, or shows the record a
    change it just made left)."""
    pk = parse_id(person_id)
    person = _people(viewer).prefetch_related("teams", "roles").filter(pk=pk).first() \
        if pk else None
    if person is None:
        raise NotFound("person")
    return person


def find_by_email(viewer, email: str) -> User:
    """Like find_person, by sign-in address (for the command line, which names people so)."""
    person = _people(viewer).prefetch_related("roles") \
        .filter(email=normalise_email(email or "")).first()
    if person is None:
        raise NotFound("person")
    return person


@dataclass
class Profile:
    """A person's page: their record, and of the people around them only those the viewer
    may see."""

    person: User
    manager: User | None
    reports: list[User]
    notes: list


def read_profile(viewer, person_id, target: str = "profile and notes") -> Profile:
    person = read_person(viewer, person_id, target)
    visible = _people(viewer)
    manager = visible.filter(pk=person.manager_id).first() if person.manager_id else None
    return Profile(person=person, manager=manager,
                   reports=list(visible.filter(manager=person)),
                   notes=list(access.visible_notes(viewer, person)))


def visible_ids(viewer, ids) -> set[int]:
    """Of these people's ids, those the viewer may see (a team's members, say)."""
    return set(_people(viewer).filter(pk__in=list(ids)).values_list("pk", flat=True))


def list_people(viewer, target: str = "people list"):
    """The people the viewer may see (the directory: names, teams, levels), as a queryset;
    one entry for the list, not one per person in it (the people team's list is everyone)."""
    visible = _people(viewer)
    record(viewer, Action.VIEWED, target=target,
           detail=f"{visible.exclude(pk=getattr(viewer, 'pk', None)).count()} other people")
    return visible


def export_directory(viewer, target: str = "directory.csv") -> str:
    """Everyone the viewer may see, as directory CSV; the export is on the record."""
    if not _may(viewer, access.can_export_directory):
        raise Refused("The directory export is for the people team and admins.")
    text = directory.export_csv(_people(viewer))
    record(viewer, Action.EXPORTED, target=target, detail=f"{text.count(chr(10)) - 1} people")
    return text


# --- creating and changing people ---------------------------------------------------------------

@dataclass
class _Plan:
    """What a change will do, checked whole before anything is written."""

    values: dict = field(default_factory=dict)  # model field → new value
    manager_set: bool = False
    manager: User | None = None
    team_ids: list[int] | None = None
    external_id: str | None = None
    changed: list[str] = field(default_factory=list)  # the API names of what changes


def _plan(viewer, person: User, changes: dict, creating: bool) -> _Plan:
    """Check every field first; problems name their fields and change nothing. Then the
    rules of what actually changes: a refusal names the field too."""
    plan, problems = _Plan(), []
    if "email" in changes and changes["email"] is not None:
        text = _clean_text(changes["email"], "email", EMAIL_LENGTH, problems)
        email = normalise_email(text)
        if text and not any(p["field"] == "email" for p in problems):
            try:
                validate_email(email)
            except ValidationError:
                problems.append({"field": "email", "detail": "is not an email address"})
            else:
                if User.objects.filter(email=email).exclude(pk=person.pk).exists():
                    problems.append({"field": "email", "detail": f"{email} already has an "
                                     "account", "taken": True})
                elif email != person.email:
                    plan.values["email"] = email
    elif creating:
        problems.append({"field": "email", "detail": "is required"})
    for part, most in PART_LENGTHS.items():
        if changes.get(part) is not None:
            text = _clean_text(changes[part], part, most, problems, required=False)
            if text != getattr(person, part):
                plan.values[part] = text
    if "name" in changes and changes["name"] is not None:
        name = _clean_text(changes["name"], "name", NAME_LENGTH, problems)
        if name != person.name:
            plan.values["name"] = name
    elif {"given_name", "family_name"} & set(plan.values):
        _name_from_parts(person, plan)
    if "manager_id" in changes or "manager_email" in changes:
        plan.manager = _resolve_manager(changes, problems)
        if plan.manager is not None and not creating and not problems:
            try:
                check_no_cycle(person, plan.manager)
            except ManagerCycleError as error:
                problems.append({"field": "manager_id", "detail": error.messages[0]})
        new_id = plan.manager.pk if plan.manager is not None else None
        plan.manager_set = creating or new_id != person.manager_id
    if changes.get("team_ids") is not None:
        given = list(changes["team_ids"])
        wanted = [parse_id(pk) for pk in given]
        known = set(Team.objects.filter(pk__in=[pk for pk in wanted if pk])
                    .values_list("pk", flat=True))
        bad = sorted({str(g) for g, pk in zip(given, wanted, strict=True) if pk not in known})
        if bad:
            problems.append({"field": "team_ids", "detail": "no team with id "
                             + ", ".join(bad)})
        else:
            current = set() if creating else set(person.teams.values_list("pk", flat=True))
            if set(wanted) != current:
                plan.team_ids = sorted(set(wanted))
    framework_keys = {"family", "tracks", "level"} & {k for k, v in changes.items()
                                                      if v is not None}
    if framework_keys:
        merged = {"family": person.family_slug, "tracks": person.track_slugs,
                  "level": person.level_slug}
        merged.update({key: changes[key] for key in framework_keys})
        refs = {"family": merged["family"] or "", "level": merged["level"] or "",
                "tracks": directory.SEPARATOR.join(merged["tracks"] or [])}
        found: list = []
        family, tracks, level = directory.framework_refs(0, refs, directory.active_framework(),
                                                         found)
        problems.extend({"field": p.column, "detail": p.message} for p in found)
        for name, value in (("family_slug", family), ("track_slugs", tracks),
                            ("level_slug", level)):
            if value != getattr(person, name):
                plan.values[name] = value
    if "level_since" in changes and changes["level_since"] != person.level_since:
        plan.values["level_since"] = changes["level_since"]
    if changes.get("active") is not None and bool(changes["active"]) != person.is_active:
        plan.values["is_active"] = bool(changes["active"])
    if changes.get("external_id") is not None:
        plan.external_id = _clean_text(changes["external_id"], "external_id",
                                       _external_length(), problems, required=False)
    _refuse_invalid(problems)
    names = {"email": "email", "name": "name", "given_name": "given_name",
             "family_name": "family_name", "department": "department", "family_slug": "family",
             "track_slugs": "tracks", "level_slug": "level", "level_since": "level_since",
             "is_active": "active"}
    plan.changed = [names[key] for key in plan.values]
    if plan.manager_set:
        plan.changed.append("manager")
    if plan.team_ids is not None:
        plan.changed.append("teams")
    _check_rules(viewer, person, plan, creating)
    return plan


def _joined(given: str, family: str) -> str:
    return " ".join(part for part in (given, family) if part)


def _name_from_parts(person: User, plan: _Plan) -> None:
    """A new given or family name changes the shown name when it was made of them (or, for
    someone whose parts were never given, of its first word and the rest)."""
    given, family = person.given_name, person.family_name
    if not (given or family):
        given, _, family = person.name.partition(" ")
    if person.name and person.name != _joined(given, family):
        return  # a name of their own (a display name): kept
    new = _joined(plan.values.get("given_name", given), plan.values.get("family_name", family))
    if new and new != person.name:
        plan.values["name"] = new


def _resolve_manager(changes: dict, problems: list) -> User | None:
    if changes.get("manager_email"):
        email = normalise_email(str(changes["manager_email"]))
        found = User.objects.filter(email=email).first()
        if found is None:
            problems.append({"field": "manager_id", "detail": f"no person with the email "
                             f"{email}"})
        return found
    raw = changes.get("manager_id")
    if raw is None:
        return None
    pk = parse_id(raw)
    found = User.objects.filter(pk=pk).first() if pk else None
    if found is None:
        problems.append({"field": "manager_id", "detail": "no such person"})
    return found


def _check_may_change(viewer, person: User, creating: bool) -> None:
    """The rule of the action as a whole, before any field is read."""
    if creating:
        if not _may(viewer, access.can_create_person):
            raise Refused("Only admins add people.")
    elif not _may(viewer, access.can_change_person, person):
        raise Refused(ADMINS_ONLY)


def _check_rules(viewer, person: User, plan: _Plan, creating: bool) -> None:
    """The rules of what the change does: each has its own."""
    if "email" in plan.values and not creating \
            and not _may(viewer, access.can_change_email, person):
        raise Refused("Only admins change someone's sign-in address.", field="email")
    if "is_active" in plan.values and not creating \
            and not _may(viewer, access.can_set_active, person):
        raise Refused(OWN_ACTIVE, field="active")
    if plan.manager_set and not _may(viewer, access.can_change_manager, person, plan.manager):
        raise Refused(OWN_LINE.format(person=person if not creating else "a new person"),
                      field="manager_id")


def _apply(viewer, person: User, plan: _Plan, creating: bool) -> dict[int, set[str]]:
    """Save the plan; returns the teams the person joined or left ({their id: names})."""
    old_email = person.email
    old_teams = set() if creating else set(person.teams.values_list("name", flat=True))
    old_level = {person.pk: person.level_slug}
    for name, value in plan.values.items():
        setattr(person, name, value)
    if plan.manager_set:
        person.manager = plan.manager
    if creating:
        person.name = person.name or person.email
        person.set_unusable_password()  # they sign in by SSO, an invitation or a reset link
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        raise Taken("email: already has an account", field="email") from None
    moved: dict[int, set[str]] = {}
    if plan.team_ids is not None:
        person.teams.set(plan.team_ids)
        moved[person.pk] = old_teams ^ set(person.teams.values_list("name", flat=True))
    if not creating:
        _keep_level_history(old_level, [person])
    if plan.external_id is not None:
        ScimExternalId.objects.update_or_create(person=person,
                                                defaults={"value": plan.external_id})
    if creating:
        record(viewer, Action.CHANGED, person, target="account", detail="added")
        return moved
    if "email" in plan.values:
        _email_changed(viewer, person, old_email)
    others = [name for name in plan.changed if name not in ("email", "manager")]
    if others:
        record(viewer, Action.CHANGED, person, target="account", detail="changed "
               + ", ".join(others))
    return moved


def create_person(viewer, changes: dict, roles_follow_groups: bool = False) -> User:
    """Add someone (they get no usable password: SSO, an invitation or a reset link).
    `roles_follow_groups`: the teams they join bring the roles CRAFTPATH_SCIM_ROLE_GROUPS
    names (follow_groups)."""
    with transaction.atomic(), trail.acting_as(_actor(viewer)):
        person = User()
        _check_may_change(viewer, person, creating=True)
        plan = _plan(viewer, person, changes, creating=True)
        moved = _apply(viewer, person, plan, creating=True)
        if roles_follow_groups:
            follow_groups(viewer, moved)
    return person


def update_person(viewer, person_id, changes: dict, precondition=None,
                  roles_follow_groups: bool = False) -> User:
    """Change someone's account. `precondition(person)` is the door's own check of what is
    stored, made under the row lock (the API's If-Match), raising to refuse."""
    with transaction.atomic(), trail.acting_as(_actor(viewer)):
        person = _locked_person(viewer, person_id)
        _check_may_change(viewer, person, creating=False)
        if precondition is not None:
            precondition(person)
        plan = _plan(viewer, person, changes, creating=False)
        moved = _apply(viewer, person, plan, creating=False)
        if roles_follow_groups:
            follow_groups(viewer, moved)
    return person


def deactivate(viewer, person_id) -> User:
    """Their check-ins and history stay; they are signed out (api/events.py)."""
    return update_person(viewer, person_id, {"active": False})


def set_roles(viewer, person_id, roles, precondition=None) -> User:
    """Exactly these roles for the person: never one's own (OWN_ROLES)."""
    if not isinstance(roles, (list, tuple, set)) or not all(isinstance(r, str) for r in roles):
        raise Invalid("roles: a list of role names", field="roles")
    unknown = sorted(set(roles) - set(Role.values))
    if unknown:
        raise Invalid(f"unknown role(s) {', '.join(unknown)} (known: "
                      f"{', '.join(Role.values)})", field="roles")
    with transaction.atomic(), trail.acting_as(_actor(viewer)):
        person = _locked_person(viewer, person_id)
        if not _may(viewer, access.can_set_roles, person):
            raise Refused(OWN_ROLES if access.can_change_person(viewer, person)
                          else ADMINS_ONLY, field="roles")
        changed = set(roles) ^ set(person.roles.values_list("name", flat=True))
        if any(not _may(viewer, access.can_give_or_take_role, person, role)
               for role in changed):
            raise Refused(PEOPLE_ROLE, field="roles")
        if precondition is not None:
            precondition(person)
        # One by one, so that audit/signals.py records each grant and removal.
        for grant in person.roles.exclude(name__in=roles):
            grant.delete()
        for name in sorted(set(roles)):
            RoleGrant.objects.get_or_create(person=person, name=name)
        person.__dict__.pop("_role_names", None)
    return person


# --- roles that come with groups ----------------------------------------------------------------

def role_groups() -> dict[str, str]:
    """{team name in lower case: the role it brings}, from CRAFTPATH_SCIM_ROLE_GROUPS."""
    return config.get("CRAFTPATH_SCIM_ROLE_GROUPS") or {}


def follow_groups(viewer, moved: dict[int, set[str]]) -> None:
    """After people joined or left teams ({person id: the teams' names}), each role those
    teams bring is held by whoever is now in a team that brings it, and only by them. Only
    the roles of the teams that moved are touched: a role given by hand stays until a group
    that brings it is joined or left. The change is set_roles', under its rules: nobody's
    own roles, and the people-team role only from someone who holds it (decision 0048)."""
    brings = role_groups()
    for pk, names in sorted(moved.items()):
        touched = {brings[name.lower()] for name in names if name.lower() in brings}
        if not touched:
            continue
        person = User.objects.get(pk=pk)
        given = {brings.get(name.lower())
                 for name in person.teams.values_list("name", flat=True)}
        held = set(person.roles.values_list("name", flat=True))
        wanted = (held - touched) | (touched & given)
        if wanted != held:
            set_roles(viewer, pk, sorted(wanted))


# --- the sign-in address ------------------------------------------------------------------------

def _email_changed(viewer, person: User, old: str) -> None:
    """An address changed by anyone but the person must not hand the account to whoever
    reads the new mailbox (the changer, perhaps). Chosen: the person keeps their password and
    signs in as before with the new address, but no reset link or invitation goes to the new
    address until they have signed in once (User.email_confirmed; signing in is the proof it
    is still them). Re-verifying through the new mailbox would prove nothing, as that is the
    mailbox in question; making the password unusable would lock the person out and leave
    the changer's reset link as the way back in. Someone who never used their account has
    nothing to take over: their pending invitation follows them to the new address.
    The old address is told in every case, so the person hears of a change they did not make."""
    now = timezone.now()
    by_someone_else = viewer is OPERATOR or viewer.pk != person.pk
    pending = Invitation.objects.filter(person=person, used_at=None, revoked_at=None)
    had_invitation = pending.filter(expires_at__gt=now).exists()
    pending.update(revoked_at=now)  # their links were sent to the old address
    used = person.last_login is not None or person.has_usable_password()
    held = by_someone_else and used
    if held:
        person.email_confirmed = False
        person.save(update_fields=["email_confirmed"])
    record(viewer, Action.CHANGED, person, target="account: email",
           detail=f"email: {old} → {person.email}" + ("; resets held until they sign in"
                                                    if held else ""))
    changer = "the command line" if viewer is OPERATOR else (viewer.name or viewer.email)
    notify(Kind.EMAIL_CHANGED, [person], "Your craftpath sign-in address was changed",
           f"The sign-in address of your craftpath account was changed from {old} to "
           f"{person.email} by {changer}. If you did not expect this, tell your people team "
           "at once." + (" Password reset links and invitations are not sent to the new "
                         "address until you have signed in with it." if held else ""),
           link="/people/me/", always_email=True, email_to=old, now=now)
    if by_someone_else and not used and had_invitation and person.is_active:
        invitations.invite(person, by=_actor(viewer), now=now)


# --- invitations --------------------------------------------------------------------------------

@dataclass
class Invited:
    sent: list[str] = field(default_factory=list)  # emails
    can_sign_in: list[str] = field(default_factory=list)  # a password, or signed in before
    inactive: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)  # address set by someone else, not proven
    covered: int = 0  # --pending: left alone, a valid invitation is on its way

    def lines(self) -> list[str]:
        """What was done; when nothing was sent only why not (one line for one person)."""
        left_out = self.left_out()
        if left_out and not self.sent and not self.covered:
            return left_out
        return [f"sent {len(self.sent)} invitation(s)"
                + (f"; {self.covered} already had a valid invitation" if self.covered else ""),
                *left_out]

    def left_out(self) -> list[str]:
        """Whom it did not invite, and why."""
        said = []
        if self.can_sign_in:
            said.append(f"not invited, they can already sign in (a password reset link is "
                        f"for a forgotten password): {', '.join(self.can_sign_in)}")
        if self.inactive:
            said.append(f"not invited, deactivated: {', '.join(self.inactive)}")
        if self.held:
            said.append("not invited, their address was changed by someone else and they "
                        f"have not signed in since: {', '.join(self.held)}")
        return said


def invite(viewer, person_ids, result: Invited | None = None) -> Invited:
    """Send each person an invitation (earlier links stop working), except those who can
    sign in already (an invitation would say "you are invited" to someone who is in), the
    deactivated, and those whose address someone else set and who have not signed in since
    (the command line's operator may still invite them)."""
    if not _may(viewer, access.can_invite):
        raise Refused("Invitations are sent by admins and the people team.")
    result = result or Invited()
    ids = [pk for pk in (parse_id(p) for p in person_ids) if pk]
    with transaction.atomic(), trail.acting_as(_actor(viewer)):
        for person in _people(viewer).filter(pk__in=ids).order_by("pk"):
            if not person.is_active:
                result.inactive.append(person.email)
            elif not person.email_confirmed and viewer is not OPERATOR:
                result.held.append(person.email)
            elif person.can_sign_in():
                result.can_sign_in.append(person.email)
            else:
                invitations.invite(person, by=_actor(viewer))
                record(viewer, Action.CHANGED, person, target="account",
                       detail="invitation sent")
                result.sent.append(person.email)
    return result


def invite_emails(viewer, emails) -> Invited:
    """invite() by email, as the command line and the import name people; unknown
    addresses are the caller's to report (known_emails)."""
    wanted = [normalise_email(e) for e in emails]
    ids = list(User.objects.filter(email__in=wanted).values_list("pk", flat=True))
    return invite(viewer, ids)


def unknown_emails(emails) -> list[str]:
    wanted = [normalise_email(e) for e in emails]
    known = set(User.objects.filter(email__in=wanted).values_list("email", flat=True))
    return [email for email in wanted if email not in known]


def invite_pending(viewer, result: Invited | None = None) -> Invited:
    """Everyone active who cannot sign in yet and has no valid invitation."""
    if not _may(viewer, access.can_invite):
        raise Refused("Invitations are sent by admins and the people team.")
    result = result or Invited()
    now = timezone.now()
    waiting = invitations.without_password()
    if viewer is not OPERATOR:
        waiting = waiting.filter(email_confirmed=True)
    covered = set(Invitation.objects.filter(
        person__in=waiting, used_at=None, revoked_at=None, expires_at__gt=now)
        .values_list("person_id", flat=True))
    result.covered += len(covered)
    return invite(viewer, list(waiting.exclude(pk__in=covered).values_list("pk", flat=True)),
                  result)


def _keep_level_history(before: dict[int, str], people) -> None:
    """A level history row (without a case) for each of `people` whose level is no longer the
    one in `before` (id → level): a level set in the directory, the admin site, the API or SCIM
    is kept as a promotion's is, dated by the "in level since" given with it, else today."""
    today = timezone.localdate()
    LevelHistory.objects.bulk_create(
        LevelHistory(person=person, family_slug=person.family_slug,
                     from_level_slug=before[person.pk], to_level_slug=person.level_slug,
                     effective_date=person.level_since or today)
        for person in people
        if person.pk in before and person.level_slug and before[person.pk] != person.level_slug)


# --- the directory ------------------------------------------------------------------------------

def import_directory(viewer, data, dry_run: bool, invite_added: bool = False):
    """A directory CSV, checked whole (directory.py); from the app, the file may not put
    anyone under the importer. Returns (report, Invited or None)."""
    if not _may(viewer, access.can_import_directory):
        raise Refused("Only admins import a directory.")
    levels = dict(User.objects.values_list("pk", "level_slug")) if not dry_run else {}
    with trail.acting_as(_actor(viewer)):
        report = directory.import_csv(
            data, dry_run=dry_run, actor=_actor(viewer),
            actor_gives_people_role=_may(viewer, access.can_give_or_take_role,
                                         User(pk=-1), Role.PEOPLE))
        if report.applied:
            _keep_level_history(levels, User.objects.filter(email__in=report.updated))
            changed = report.created + report.updated
            if changed:
                record(viewer, Action.CHANGED, subjects=list(
                    User.objects.filter(email__in=changed)), target="directory import",
                    detail="imported")
    invited = invite_emails(viewer, report.created) if invite_added and report.applied \
        else None
    return report, invited


# --- teams --------------------------------------------------------------------------------------

def _team_name(name, problems: list) -> str:
    return _clean_text(name, "name", TEAM_NAME_LENGTH, problems)


def _locked_team(team_id) -> Team:
    pk = parse_id(team_id)
    team = Team.objects.select_for_update().filter(pk=pk).first() if pk else None
    if team is None:
        raise NotFound("team")
    return team


def create_team(viewer, name, member_ids=None, external_id=None,
                roles_follow_groups: bool = False) -> Team:
    if not _may(viewer, access.can_manage_teams):
        raise Refused("Only admins change teams.")
    with transaction.atomic(), trail.acting_as(_actor(viewer)):
        team = Team()
        moved = _change_team(viewer, team, name=name, members=member_ids,
                             external_id=external_id)
        if roles_follow_groups:
            follow_groups(viewer, moved)
    return team


def change_team(viewer, team_id, *, name=None, members=None, add=(), remove=(),
                external_id=None, precondition=None, roles_follow_groups: bool = False) -> Team:
    """Rename a team, or change who is in it (`members` replaces, `add`/`remove` adjust)."""
    if not _may(viewer, access.can_manage_teams):
        raise Refused("Only admins change teams.")
    with transaction.atomic(), trail.acting_as(_actor(viewer)):
        team = _locked_team(team_id)
        if precondition is not None:
            precondition(team)
        moved = _change_team(viewer, team, name=name, members=members, add=add,
                             remove=remove, external_id=external_id)
        if roles_follow_groups:
            follow_groups(viewer, moved)
    return team


def _member_ids(values, problems: list) -> list[int]:
    ids = [parse_id(v) for v in values]
    bad = [str(v) for v, pk in zip(values, ids, strict=True) if pk is None]
    known = set(User.objects.filter(pk__in=[pk for pk in ids if pk])
                .values_list("pk", flat=True))
    bad += [str(pk) for pk in ids if pk and pk not in known]
    if bad:
        problems.append({"field": "members", "detail": "no person with id "
                         + ", ".join(sorted(set(bad)))})
    return [pk for pk in ids if pk in known]


def _change_team(viewer, team: Team, *, name=None, members=None, add=(), remove=(),
                 external_id=None) -> dict[int, set[str]]:
    """Returns who joined or left the team, or was in it when it was renamed ({person id:
    the names it had and has})."""
    problems: list = []
    old_name = team.name
    if name is not None or team.pk is None:
        cleaned = _team_name(name if name is not None else "", problems)
        if cleaned and Team.objects.filter(name=cleaned).exclude(pk=team.pk).exists():
            problems.append({"field": "name", "detail": f"a team called {cleaned!r} exists "
                             "already", "taken": True})
        team.name = cleaned or team.name
    members = None if members is None else _member_ids(list(members), problems)
    add, remove = _member_ids(list(add), problems), _member_ids(list(remove), problems)
    if external_id is not None:
        external_id = _clean_text(external_id, "external_id", _external_length(), problems,
                                  required=False)
    _refuse_invalid(problems)
    creating = team.pk is None
    try:
        with transaction.atomic():
            team.save()
    except IntegrityError:
        raise Taken(f"name: a team called {team.name!r} exists already",
                         field="name") from None
    before = set() if creating else set(team.members.values_list("pk", flat=True))
    after = set(members) if members is not None else set(before)
    after = (after | set(add)) - set(remove)
    if after != before:
        team.members.set(sorted(after))
        moved = User.objects.filter(pk__in=after ^ before)
        record(viewer, Action.CHANGED, subjects=list(moved), target="teams",
               detail=f"team {team.name}: {len(after - before)} added, "
                      f"{len(before - after)} removed")
    if external_id is not None:
        ScimExternalId.objects.update_or_create(team=team, defaults={"value": external_id})
    if creating:
        record(viewer, Action.CHANGED, target="teams", detail=f"team {team.name} added")
    elif team.name != old_name:
        record(viewer, Action.CHANGED, target="teams",
               detail=f"team {old_name} renamed {team.name}")
    if not creating and team.name != old_name:
        return {pk: {old_name, team.name} for pk in before | after}
    return {pk: {team.name} for pk in before ^ after}


def delete_team(viewer, team_id, roles_follow_groups: bool = False) -> None:
    """A team is only a grouping: its members and their history stay (and lose the role it
    brought, with `roles_follow_groups`)."""
    if not _may(viewer, access.can_manage_teams):
        raise Refused("Only admins change teams.")
    with transaction.atomic(), trail.acting_as(_actor(viewer)):
        team = _locked_team(team_id)
        members = list(team.members.all())
        name = team.name
        team.delete()
        record(viewer, Action.CHANGED, subjects=members or [None], target="teams",
               detail=f"team {name} deleted")
        if roles_follow_groups:
            follow_groups(viewer, {member.pk: {name} for member in members})
