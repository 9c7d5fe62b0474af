"""The people directory as CSV: a checked, transactional, idempotent import, and the export.

Columns: email, name, given_name, family_name, department, manager_email, team, family,
tracks (or track), level, level_since, roles. Several teams, tracks or roles go in one cell
separated by ";". A row without a name takes it from the given and family names. Without the
given_name, family_name or department column, nobody's is changed. Roles are optional: without
the column nobody's roles change; with it, a person's roles become the cell's (engineer
always, manager for whoever has reports), under set_roles' rules when imported from the app.
Levels are accepted by slug, code, number or name ("level-3", "Level 3", "3", "Senior"); tracks and
families by slug or name; each is checked against the active framework version and stored as
its slug.

Import is planned in full before anything is written: every problem of every row is collected
with its line and column, and a file with any problem changes nothing. Running the same file
twice changes nothing the second time. People missing from the file are left as they are.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from craftpath.web.frameworks import publishing

from ..cells import defuse, undefuse
from .models import Role, Team, User, normalise_email
from .problems import DirectoryError, RowProblem

COLUMNS = ("email", "name", "given_name", "family_name", "department", "manager_email", "team",
           "family", "tracks", "level", "level_since", "roles")
REQUIRED = ("email",)
OPTIONAL_PARTS = ("given_name", "family_name", "department")  # None: the file has no column
ALIASES = {"track": "tracks"}
PART_LENGTHS = {"given_name": 100, "family_name": 100, "department": 200}  # as User's
SEPARATOR = ";"


@dataclass
class ImportReport:
    problems: list[RowProblem] = field(default_factory=list)
    created: list[str] = field(default_factory=list)  # emails
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def rows(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)

    def summary(self) -> str:
        verb = "imported" if self.applied else "would import"
        people = "person" if self.rows == 1 else "people"
        return (f"{verb} {self.rows} {people}: {len(self.created)} new, {len(self.updated)} "
                f"changed, {len(self.unchanged)} unchanged")


@dataclass
class _Row:
    line: int
    email: str
    name: str
    manager_email: str
    teams: list[str]
    family: str
    tracks: list[str]
    level: str
    level_since: date | None
    roles: list[str] | None = None  # None: the file has no roles column (roles left alone)
    parts: dict = field(default_factory=dict)  # given_name, family_name, department: as given


def import_csv(text: str | bytes, dry_run: bool = False, actor=None,
               actor_gives_people_role: bool = False) -> ImportReport:
    """Check the file; unless `dry_run`, apply it in one transaction. Raises DirectoryError
    (with every problem) instead of importing part of a file. `actor` is who imports from the
    app: their file may not put anyone under them (nobody grants themselves a reporting
    line), nor change their own roles, nor give or take the people-team role unless
    `actor_gives_people_role` (access.can_give_or_take_role, asked by the action); the command
    line's operator (no actor) may."""
    report = ImportReport()
    rows = _parse(text, report.problems)
    if not report.problems:
        _check_links(rows, report.problems)
    if not report.problems and actor is not None:
        _check_not_self_granted(rows, actor, report.problems)
        _check_roles_allowed(rows, actor, actor_gives_people_role, report.problems)
    if report.problems:
        raise DirectoryError(report.problems)
    with transaction.atomic():
        _plan(rows, report)
        if not dry_run:
            _apply(rows)
            report.applied = True
    return report


# --- reading and checking rows --------------------------------------------------------------

def _header_key(name: str) -> str:
    key = "_".join((name or "").strip().lower().replace("-", " ").split())
    return ALIASES.get(key, key)


def _split(cell: str) -> list[str]:
    return [part.strip() for part in (cell or "").split(SEPARATOR) if part.strip()]


def _decode(text: str | bytes, problems: list[RowProblem]) -> str | None:
    if isinstance(text, str):
        return text.removeprefix("\ufeff")
    try:
        return text.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problems.append(RowProblem(0, "", f"the file is not UTF-8 text (byte {error.start})"))
        return None


def _parse(text: str | bytes, problems: list[RowProblem]) -> list[_Row]:
    decoded = _decode(text, problems)
    if decoded is None:
        return []
    # strict: an unterminated quote is an error, not a cell that swallows the rest of the file
    reader = csv.reader(io.StringIO(decoded, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        problems.append(RowProblem(1, "", f"unreadable CSV: {error}"))
        return []
    if not header or not any(cell.strip() for cell in header):
        problems.append(RowProblem(1, "", "the file is empty; expected a header row with "
                                          f"the columns {', '.join(COLUMNS)}"))
        return []
    keys = [_header_key(cell) for cell in header]
    for key, cell in zip(keys, header, strict=True):
        if key not in COLUMNS:
            problems.append(RowProblem(1, cell, f"unknown column (known: {', '.join(COLUMNS)})"))
    for key in REQUIRED:
        if key not in keys:
            problems.append(RowProblem(1, key, "required column is missing"))
    if "name" not in keys and not {"given_name", "family_name"} & set(keys):
        problems.append(RowProblem(1, "name", "required column is missing (or give "
                                              "given_name and family_name)"))
    for key in set(keys):
        if keys.count(key) > 1:
            problems.append(RowProblem(1, key, "the column is there twice"))
    if problems:
        return []
    framework = active_framework()
    rows: list[_Row] = []
    first_line: dict[str, int] = {}
    line = 1
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(RowProblem(reader.line_num, "", f"unreadable CSV: {error}"))
            break
        line = start
        if not any(cell.strip() for cell in cells):
            continue  # blank lines are allowed
        if len(cells) > len(keys):
            problems.append(RowProblem(line, "", f"{len(cells)} cells but the header has "
                                                 f"{len(keys)} columns"))
            continue
        values = dict(zip(keys, (undefuse(cell.strip()) for cell in cells), strict=False))
        row = _row(line, values, framework, problems)
        if row.email:
            if row.email in first_line:
                problems.append(RowProblem(line, "email", f"{row.email} is already on line "
                                                          f"{first_line[row.email]}"))
                continue
            first_line[row.email] = line
        rows.append(row)
    if not rows and not problems:
        problems.append(RowProblem(1, "", "the file has a header but no people"))
    return rows


def _email(line: int, column: str, value: str, problems: list[RowProblem]) -> str:
    email = normalise_email(value)
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        problems.append(RowProblem(line, column, f"{value!r} is not an email address"))
        return ""
    return email


def _row(line: int, values: dict, framework, problems: list[RowProblem]) -> _Row:
    email = _email(line, "email", values.get("email", ""), problems)
    if not values.get("email"):
        problems.append(RowProblem(line, "email", "is empty; every person needs one"))
    parts = {key: values[key] for key in OPTIONAL_PARTS if key in values}
    for key, text in parts.items():
        if len(text) > PART_LENGTHS[key]:
            problems.append(RowProblem(line, key, f"is longer than {PART_LENGTHS[key]} "
                                                  "characters"))
    name = values.get("name", "") or " ".join(
        part for part in (parts.get("given_name"), parts.get("family_name")) if part)
    if not name:
        both = {"given_name", "family_name"} & set(parts)
        problems.append(RowProblem(line, "name", "is empty" + (
            f" (and so is {' and '.join(sorted(both))})" if both else "")))
    elif len(name) > 200:
        problems.append(RowProblem(line, "name", "is longer than 200 characters"))
    manager = _email(line, "manager_email", values.get("manager_email", ""), problems)
    if manager and manager == email:
        problems.append(RowProblem(line, "manager_email", "a person cannot be their own manager"))
    teams = _split(values.get("team", ""))
    for team in teams:
        if len(team) > 120:
            problems.append(RowProblem(line, "team", f"team name {team[:20]!r}… is too long"))
    family, tracks, level = framework_refs(line, values, framework, problems)
    since = _date(line, values.get("level_since", ""), problems)
    if since and not level:
        problems.append(RowProblem(line, "level_since", "is given but level is empty"))
    roles = _roles(line, values["roles"], problems) if "roles" in values else None
    return _Row(line, email, name, manager, teams, family, tracks, level, since, roles, parts)


def _roles(line: int, cell: str, problems: list[RowProblem]) -> list[str]:
    """Role names or labels ("people", "People team"); engineer is always held."""
    known = {**{value: value for value in Role.values},
             **{label.lower(): value for value, label in Role.choices}}
    found = {Role.ENGINEER.value}
    for part in _split(cell):
        role = known.get(part.lower())
        if role is None:
            problems.append(RowProblem(line, "roles", f"unknown role {part!r} (known: "
                                                      f"{', '.join(Role.values)})"))
        else:
            found.add(role)
    return sorted(found)


def _date(line: int, value: str, problems: list[RowProblem]) -> date | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        problems.append(RowProblem(line, "level_since", f"{value!r} is not a date like "
                                                        "2024-03-01"))
        return None
    if day > date.today():
        problems.append(RowProblem(line, "level_since", f"{value} is in the future"))
        return None
    return day


def active_framework():
    version = publishing.active_version()
    return publishing.framework_of(version) if version is not None else None


def framework_refs(line, values, framework, problems) -> tuple[str, list[str], str]:
    """The family, track and level slugs a row names, checked against the active version."""
    family_name, level_name = values.get("family", ""), values.get("level", "")
    track_names = _split(values.get("tracks", ""))
    if not (family_name or level_name or track_names):
        return "", [], ""
    if framework is None:
        problems.append(RowProblem(line, "family" if family_name else "level",
                                   "no framework is published yet to check it against "
                                   "(`craftpath publish PATH` first)"))
        return "", [], ""
    if family_name:
        family = framework.find_family(family_name)
        if family is None:
            known = ", ".join(f.slug for f in framework.families)
            problems.append(RowProblem(line, "family", f"no family {family_name!r} in the "
                                                       f"published framework (known: {known})"))
            return "", [], ""
    elif len(framework.families) == 1:
        family = framework.families[0]  # one family: nothing to choose
    else:
        problems.append(RowProblem(line, "family", "is empty; the framework has several"))
        return "", [], ""
    tracks = []
    for name in track_names:
        track = next((t for t in family.tracks if name.lower() in (t.slug, t.name.lower())),
                     None)
        if track is None:
            known = ", ".join(t.slug for t in family.tracks)
            problems.append(RowProblem(line, "tracks", f"no track {name!r} in {family.name} "
                                                       f"(known: {known})"))
        elif track.slug not in tracks:
            tracks.append(track.slug)
    level_slug = ""
    if level_name:
        level = family.find_level(level_name)
        if level is None:
            known = ", ".join(level.slug for level in family.levels)
            problems.append(RowProblem(line, "level", f"no level {level_name!r} in "
                                                      f"{family.name} (known: {known})"))
        else:
            level_slug = level.slug
    return family.slug, tracks, level_slug


def _check_links(rows: list[_Row], problems: list[RowProblem]) -> None:
    """Managers must exist (in the file or already) and must not make a circle."""
    in_file = {row.email: row for row in rows}
    known = set(User.objects.filter(email__in=[r.manager_email for r in rows if r.manager_email])
                .values_list("email", flat=True))
    for row in rows:
        if row.manager_email and row.manager_email not in in_file \
                and row.manager_email not in known:
            problems.append(RowProblem(row.line, "manager_email",
                                       f"{row.manager_email} is neither in the file nor in "
                                       "the directory"))
    if problems:
        return
    # Who manages whom once the file is applied: the file's links, the database's elsewhere.
    managers = dict(User.objects.filter(manager__isnull=False)
                    .values_list("email", "manager__email"))
    managers.update({row.email: row.manager_email for row in rows})
    reported: set[str] = set()
    for row in rows:
        chain = [row.email]
        current = managers.get(row.email)
        while current and current not in chain:
            chain.append(current)
            current = managers.get(current)
        if current == row.email and row.email not in reported:
            reported.update(chain)
            circle = " → ".join([*chain, row.email])
            problems.append(RowProblem(row.line, "manager_email",
                                       f"the org chart would go round in a circle ({circle})"))


def _check_not_self_granted(rows: list[_Row], actor, problems: list[RowProblem]) -> None:
    """With the file applied, nobody may be under `actor` who is not under them now."""
    managers = dict(User.objects.filter(manager__isnull=False)
                    .values_list("email", "manager__email"))
    after = {**managers, **{row.email: row.manager_email for row in rows}}

    def under_actor(email: str, links: dict) -> bool:
        seen, current = set(), links.get(email)
        while current and current not in seen:
            if current == actor.email:
                return True
            seen.add(current)
            current = links.get(current)
        return False

    for row in rows:
        if row.email != actor.email and under_actor(row.email, after) \
                and not under_actor(row.email, managers):
            problems.append(RowProblem(row.line, "manager_email", f"{row.email} would come under "
                                       "you; another admin must import that change"))


def _check_roles_allowed(rows: list[_Row], actor, gives_people_role: bool,
                         problems: list[RowProblem]) -> None:
    """The rules of set_roles (access.py), for a file imported from the app: nobody changes
    their own roles, and only someone holding the people-team role gives or takes it."""
    held = {}
    for email, role in User.objects.filter(email__in=[r.email for r in rows if r.roles]) \
            .values_list("email", "roles__name"):
        held.setdefault(email, set()).add(role or Role.ENGINEER)
    for row in rows:
        if row.roles is None:
            continue
        before = held.get(row.email, {Role.ENGINEER.value}) - {Role.MANAGER.value}
        changed = before ^ (set(row.roles) - {Role.MANAGER.value})
        if changed and row.email == actor.email:
            problems.append(RowProblem(row.line, "roles", "you cannot change your own roles; "
                                                          "another admin must"))
        elif Role.PEOPLE in changed and not gives_people_role:
            problems.append(RowProblem(row.line, "roles", "the people-team role is given and "
                                       "taken only by someone who holds it"))


# --- planning and applying ------------------------------------------------------------------

def _state(person: User, row: _Row) -> tuple:
    # Manager is not compared: whoever has reports after the import holds it (_apply).
    roles = None if row.roles is None else sorted(
        ({g.name for g in person.roles.all()} | {Role.ENGINEER.value}) - {Role.MANAGER.value})
    parts = {key: getattr(person, key) for key in row.parts}
    return (person.name, person.family_slug, list(person.track_slugs), person.level_slug,
            person.level_since, person.manager.email if person.manager_id else "",
            sorted(team.name for team in person.teams.all()), roles, parts)


def _wanted(row: _Row) -> tuple:
    roles = None if row.roles is None else sorted(set(row.roles) - {Role.MANAGER.value})
    return (row.name, row.family, row.tracks, row.level, row.level_since, row.manager_email,
            sorted(row.teams), roles, row.parts)


def _plan(rows: list[_Row], report: ImportReport) -> None:
    existing = {p.email: p for p in User.objects.filter(email__in=[r.email for r in rows])
                .select_related("manager").prefetch_related("teams", "roles")}
    for row in rows:
        person = existing.get(row.email)
        if person is None:
            report.created.append(row.email)
        elif _state(person, row) != _wanted(row):
            report.updated.append(row.email)
        else:
            report.unchanged.append(row.email)


def _apply(rows: list[_Row]) -> None:
    teams = {team.name.lower(): team for team in Team.objects.all()}
    for name in {name for row in rows for name in row.teams}:
        if name.lower() not in teams:
            teams[name.lower()] = Team.objects.create(name=name)
    people = {p.email: p for p in User.objects.filter(email__in=[r.email for r in rows])}
    for row in rows:
        person = people.get(row.email)
        if person is None:
            person = people[row.email] = User.objects.create_user(row.email, name=row.name)
        person.name, person.family_slug, person.track_slugs = row.name, row.family, row.tracks
        person.level_slug, person.level_since = row.level, row.level_since
        for key, text in row.parts.items():
            setattr(person, key, text)
    managers = {p.email: p for p in User.objects.filter(
        email__in=[r.manager_email for r in rows if r.manager_email])}
    managers.update(people)
    for row in rows:
        person = people[row.email]
        person.manager = managers.get(row.manager_email) if row.manager_email else None
        person.save()
        person.teams.set([teams[name.lower()] for name in row.teams])
        person.grant(Role.ENGINEER)
        if row.roles is not None:
            # One by one, so that audit/signals.py records each grant and removal.
            for grant in person.roles.exclude(name__in=row.roles):
                grant.delete()
            person.grant(*row.roles)
    # Whoever has reports after the import may see them (access.py asks for this role).
    for person in User.objects.filter(reports__isnull=False).distinct():
        person.grant(Role.MANAGER)


# --- export ---------------------------------------------------------------------------------

def export_csv(people) -> str:
    """The given people (a queryset the caller has already limited; see access.py) as CSV
    that import_csv reads back unchanged."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for person in people.select_related("manager").prefetch_related("teams", "roles") \
            .order_by("email"):
        writer.writerow(defuse(cell) for cell in [
            person.email, person.name, person.given_name, person.family_name, person.department,
            person.manager.email if person.manager_id else "",
            SEPARATOR.join(sorted(team.name for team in person.teams.all())),
            person.family_slug, SEPARATOR.join(person.track_slugs), person.level_slug,
            person.level_since.isoformat() if person.level_since else "",
            SEPARATOR.join(sorted(grant.name for grant in person.roles.all())),
        ])
    return out.getvalue()
