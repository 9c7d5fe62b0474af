"""The people directory's search, filters and paging, and the org chart's tree.

Both start from access.visible_people (who the viewer may see) and only narrow it, so they show
nobody the person page would hide. Level names come from the active framework version, looked
up once per request rather than once per person.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from html import escape as html_escape

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from craftpath.web.frameworks import publishing

from ..ids import parse_id
from .models import Team, User

PAGE_SIZE = 50
OPEN_DEPTH = 2  # org chart branches open by default, from the top


def level_names() -> dict[tuple[str, str], str]:
    """(family slug, level slug) → the level's label, for the active framework version."""
    version = publishing.active_version()
    if version is None:
        return {}
    return {(family.slug, level.slug): level.label
            for family in publishing.framework_of(version).families for level in family.levels}


@dataclass
class Directory:
    page: object  # a Paginator page of (person, level name) pairs
    total: int
    query: str
    team: str
    level: str
    manager: str
    teams: list
    levels: list[tuple[str, str]]  # (value "family/level", label)
    managers: list

    @property
    def filtered(self) -> bool:
        return bool(self.query or self.team or self.level or self.manager)


def directory(visible: QuerySet[User], params, page_number) -> Directory:
    """One page of the people `visible` holds, searched and filtered as `params` say.

    A manager's `visible` names every report by id, and each query built on it carries that
    list again; so the rows are read once, filtered and sorted here, and only the page's fifty
    people are loaded as objects."""
    names = level_names()
    query = params.get("q", "").strip()
    team, level, manager = (params.get(key, "").strip() for key in ("team", "level", "manager"))
    rows = list(visible.values_list("pk", "name", "email", "family_slug", "level_slug",
                                    "manager_id"))
    ids = {row[0] for row in rows}
    memberships = [(user, team_id) for user, team_id
                   in User.teams.through.objects.values_list("user_id", "team_id")
                   if user in ids]
    matched = rows
    if query:
        words = query.casefold()
        matched = [r for r in matched if words in r[1].casefold() or words in r[2].casefold()]
    if (team_id_wanted := parse_id(team)) is not None:
        members = {user for user, team_id in memberships if team_id == team_id_wanted}
        matched = [r for r in matched if r[0] in members]
    if "/" in level:
        family_slug, level_slug = level.split("/", 1)
        matched = [r for r in matched if (r[3], r[4]) == (family_slug, level_slug)]
    if (manager_id := parse_id(manager)) is not None:
        matched = [r for r in matched if r[5] == manager_id]
    matched.sort(key=lambda r: (r[1].casefold(), r[0]))
    paginator = Paginator(matched, PAGE_SIZE)
    page = paginator.get_page(page_number)
    loaded = User.objects.select_related("manager").prefetch_related("teams") \
        .in_bulk([r[0] for r in page.object_list])
    page.object_list = [(loaded[r[0]], names.get((r[3], r[4]), r[4]))
                        for r in page.object_list]
    # The framework's levels, not a DISTINCT over everyone visible: that costs a pass over
    # every row and tells nothing the framework does not.
    levels = [(f"{family}/{level}", label) for (family, level), label in names.items()]
    managing = {r[5] for r in rows}
    managers = sorted(({"pk": r[0], "name": r[1]} for r in rows if r[0] in managing),
                      key=lambda m: (m["name"].casefold(), m["pk"]))
    teams = list(Team.objects.filter(pk__in={team_id for _, team_id in memberships})
                 .order_by("name"))
    return Directory(page, paginator.count, query, team, level, manager, teams, levels,
                     managers)


def org_tree(visible: QuerySet[User]) -> tuple[SafeString, int]:
    """The visible people as nested lists from their manager links: each person under their
    manager when the viewer may see the manager, at the top otherwise. HTML built here from
    plain rows, not in a recursive template, so that ten thousand people stay well under a
    second."""
    names = level_names()
    rows = list(visible.order_by("name", "pk").values_list(
        "pk", "name", "email", "family_slug", "level_slug", "manager_id"))
    shown = {row[0] for row in rows}
    reports: dict[int | None, list[tuple]] = defaultdict(list)
    for row in rows:
        reports[row[5] if row[5] in shown else None].append(row)
    # One reverse() for everyone: ten thousand of them cost more than the rest of the page.
    marker = 987654321
    person_url = reverse("person", args=[marker]).replace(str(marker), "{}")

    def node(row: tuple, depth: int) -> str:
        pk, name, email, family_slug, level_slug, _ = row
        level = names.get((family_slug, level_slug), level_slug)
        words = html_escape(f"{name} {email} {level}".lower())
        line = (f'<span class="person-line"><a href="{person_url.format(pk)}">'
                f"{html_escape(name)}</a>"
                + (f' <span class="muted">{html_escape(level)}</span>' if level else "")
                + "</span>")
        below = reports.get(pk, [])
        if not below:
            return f'<li data-search="{words}">{line}</li>'
        count = len(below)
        # The toggle holds only its own words: a link inside a summary would nest controls.
        opened = " open" if depth < OPEN_DEPTH else ""
        children = "".join(node(child, depth + 1) for child in below)
        return (f'<li data-search="{words}">{line}<details{opened}><summary>'
                f'{count} report{"s" if count != 1 else ""}<span class="visually-hidden"> of '
                f"{html_escape(name)}</span></summary><ul>{children}</ul></details></li>")

    html = "".join(node(row, 0) for row in reports.get(None, []))
    return mark_safe(html), len(rows)
