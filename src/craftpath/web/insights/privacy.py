"""The one rule that decides which group figures may be shown: used by every insights page
and export, and nothing else decides.

Figures are about groups of people. A view describes its groups as a forest: each `Group`
has a size and may have sub-groups that are disjoint parts of it (a team's levels, a
population's attribute groups, a quarter's check-in stages). A group marked `context` is
shown elsewhere (for example the unfiltered population, when a page is filtered): it is never
withheld here, but nothing shown here may be worked out from it either.

What `withheld` guarantees, for a minimum size k:
1. every shown group has no people or at least k;
2. for every shown or context group, the people left when its shown sub-groups are taken
   away number none or at least k. So no subtraction of shown figures from a shown total,
   and no total of shown parts, singles out fewer than k people (complementary suppression:
   when one part is withheld, the next smallest part is withheld with it).
Withholding a group withholds its sub-groups too. Because the groups of one page form a tree,
any set of people that can be worked out from its shown figures is a union of sets each of
which has none or at least k people; tests/web/test_insights_privacy.py checks this against
random organisations with exact linear algebra, independently of this code.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Group:
    key: Hashable
    size: int
    parts: tuple[Group, ...] = ()
    context: bool = False  # shown elsewhere: kept, and protected against

    def walk(self) -> Iterable[Group]:
        yield self
        for part in self.parts:
            yield from part.walk()


def withheld(groups: Iterable[Group], minimum: int) -> frozenset[Hashable]:
    """The keys of the groups whose figures must not be shown."""
    roots = list(groups)
    hidden: set[Hashable] = set()

    def hide(group: Group) -> None:
        hidden.update(g.key for g in group.walk())

    for root in roots:
        for group in root.walk():
            if sum(part.size for part in group.parts) > group.size:
                raise ValueError(f"the parts of group {group.key!r} are larger than it is; "
                                 "parts must be disjoint")
            if not group.context and 0 < group.size < minimum:
                hide(group)

    def settle(group: Group) -> None:
        if group.key in hidden:
            return
        shown = sorted((p for p in group.parts if p.key not in hidden and not p.context),
                       key=lambda p: (p.size, str(p.key)))
        rest = group.size - sum(p.size for p in group.parts if p.key not in hidden)
        while 0 < rest < minimum and shown:
            smallest = shown.pop(0)
            hide(smallest)
            rest += smallest.size
        for part in group.parts:
            settle(part)

    for root in roots:
        settle(root)
    return frozenset(hidden)
