"""What every insights view is built from: the viewer's population, the settings, the active
framework and the page's own parameters."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from craftpath.core.model import Framework

from ..population import Population
from ..privacy import Group


class BadParameter(Exception):
    """A query parameter the page cannot use; the message names it, and so does `field`."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


@dataclass
class Context:
    viewer: object
    population: Population
    minimum: int  # the smallest group a figure may describe
    threshold: float  # readiness: share of the next level covered (0..1)
    framework: Framework | None
    params: QueryDict
    export: bool = False  # a file wants every row, not one page of them

    @property
    def filtered(self) -> bool:
        return self.population.filters.active

    def choice(self, name: str, allowed: list[str], default: str) -> str:
        value = self.params.get(name, "") or default
        if value not in allowed:
            raise BadParameter(f"{name}: “{value}” is not one of {', '.join(allowed)}.", name)
        return value

    def whole(self, name: str, default: int, low: int, high: int) -> int:
        raw = self.params.get(name, "") or str(default)
        try:
            value = int(raw)
        except ValueError:
            raise BadParameter(f"{name}: “{raw}” is not a whole number.", name) from None
        if not low <= value <= high:
            raise BadParameter(f"{name}: {value} is not between {low} and {high}.", name)
        return value

    def nested(self, key, shown: int, unfiltered: int | None, parts=()) -> Group:
        """The group a figure describes, inside its unfiltered context when filtered."""
        group = Group(key, shown, tuple(parts))
        if self.filtered and unfiltered is not None:
            return Group(("unfiltered", key), unfiltered, (group,), context=True)
        return group

    def progress_url(self, pk: int) -> str:
        """A person's progress page; reversed once per page, not once per row."""
        if not hasattr(self, "_progress_prefix"):
            self._progress_prefix = reverse("checkins:progress", args=[1])[:-2]
        return f"{self._progress_prefix}{pk}/"

    def quarters(self, count: int) -> list[str]:
        """The last `count` quarters, oldest first, ending with the current one."""
        today = timezone.localdate()
        index = today.year * 4 + (today.month - 1) // 3
        return [f"{i // 4}-Q{i % 4 + 1}" for i in range(index - count + 1, index + 1)]

    def areas(self):
        """(slug, name) of every area of the framework's families, in the framework's order."""
        seen = {}
        for family in self.framework.families if self.framework else ():
            for area in family.areas:
                seen.setdefault(area.slug, area.name)
        return list(seen.items())

    def level_label(self, family_slug: str, level_slug: str) -> str:
        family = self.framework.find_family(family_slug) if self.framework else None
        level = family.find_level(level_slug) if family else None
        return level.label if level else level_slug
