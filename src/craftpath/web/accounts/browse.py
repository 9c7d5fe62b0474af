"""The people directory's search, filters and paging, and the org chart's tree.

Both start from access.visible_people (who the viewer may see) and only narrow it, so they show
nobody the person page would hide. Level names come from the active framework version, looked
up once per request rather than once per person.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Team, User

PAGE_SIZE = 50
OPEN_DEPTH = 2  # org chart branches open by default, from the top


def level_names() -> dict[tuple[str, str], str]:
    """(family slug, level slug) → the level's label, for the active framework version."""
    from craftpath.web.frameworks import publishing

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
    names = level_names()
    query = params.get("q", "").strip()
    team, level, manager = (params.get(key, "").strip() for key in ("team", "level", "manager"))
    people = visible
    if query:
        people = people.filter(Q(name__icontains=query) | Q(email__icontains=query))
    if team.isdigit():
        people = people.filter(teams__pk=int(team))
    if "/" in level:
        family_slug, level_slug = level.split("/", 1)
        people = people.filter(family_slug=family_slug, level_slug=level_slug)
    if manager.isdigit():
        people = people.filter(manager_id=int(manager))
    people = people.select_related("manager").prefetch_related("teams").order_by("name", "pk")
    paginator = Paginator(people, PAGE_SIZE)
    page = paginator.get_page(page_number)
    page.object_list = [(person, names.get((person.family_slug, person.level_slug),
                                           person.level_slug)) for person in page.object_list]
    present = visible.exclude(level_slug="").values_list("family_slug", "level_slug").distinct()
    levels = sorted(((f"{f}/{lv}", names.get((f, lv), lv)) for f, lv in present),
                    key=lambda pair: pair[1])
    managers = list(visible.filter(reports__isnull=False).distinct().order_by("name")
                    .only("pk", "name"))
    return Directory(page, paginator.count, query, team, level, manager,
                     list(Team.objects.filter(members__in=visible).distinct().order_by("name")),
                     levels, managers)


def org_tree(visible: QuerySet[User]) -> tuple[SafeString, int]:
    """The visible people as nested lists from their manager links: each person under their
    manager when the viewer may see the manager, at the top otherwise. HTML built here, not in a
    recursive template, so that ten thousand people render in well under a second."""
    names = level_names()
    people = list(visible.only("pk", "name", "email", "family_slug", "level_slug", "manager_id")
                  .order_by("name", "pk"))
    shown = {person.pk for person in people}
    reports: dict[int | None, list[User]] = defaultdict(list)
    for person in people:
        reports[person.manager_id if person.manager_id in shown else None].append(person)

    def node(person: User, depth: int) -> str:
        level = names.get((person.family_slug, person.level_slug), person.level_slug)
        words = escape(f"{person.name} {person.email} {level}".lower())
        line = (f'<span class="person-line"><a href="{reverse("person", args=[person.pk])}">'
                f'{escape(person.name)}</a>'
                + (f' <span class="muted">{escape(level)}</span>' if level else ""))
        below = reports.get(person.pk, [])
        if not below:
            return f'<li data-search="{words}">{line}</span></li>'
        count = len(below)
        # The toggle holds only its own words: a link inside a summary would nest controls.
        opened = " open" if depth < OPEN_DEPTH else ""
        children = "".join(node(child, depth + 1) for child in below)
        return (f'<li data-search="{words}">{line}</span><details{opened}><summary>'
                f'{count} report{"s" if count != 1 else ""}<span class="visually-hidden"> of '
                f'{escape(person.name)}</span></summary><ul>{children}</ul></details></li>')

    html = "".join(node(person, 0) for person in reports.get(None, []))
    return mark_safe(html), len(people)
