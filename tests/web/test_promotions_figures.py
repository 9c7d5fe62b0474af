"""Promotion figures keep insights' minimum-group-size rule, as a property over random sets of
decided cases (promotions/figures.py hands its groups to insights/privacy.py's `withheld`;
test_insights_privacy.py checks that rule itself with exact linear algebra).

Each example draws people (family, level, team or none, an attribute spelt in any case and
spacing or not recorded, the outcome, days in level) and a minimum k, and groups them each way
the figures page does. The check counts the people itself and asks of what is shown: every
shown group is counted right and holds none or at least k people; taking a group's shown
parts from it leaves none or at least k (complementary suppression); a withheld attribute
group is not named at all; and the parts of everyone add up to everyone, so nobody is left
out unseen."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from craftpath.web.insights.pages.fairness import NOT_RECORDED
from craftpath.web.promotions.figures import BY, _grouped

person = st.tuples(
    st.sampled_from(["backend", "data"]), st.sampled_from(["level-1", "level-2", "level-3"]),
    st.sampled_from(["Core", "Edge", "Growth", None]),
    st.sampled_from(["Woman", "woman ", "  Man", "non-binary", "", None]),
    st.booleans(), st.integers(min_value=0, max_value=2000))


def keyed(people, by: str) -> list[tuple]:
    """The cases as figures.rates hands them on (the path as the database gives it)."""
    pick = {"level": lambda p: (p[0], p[1]), "team": lambda p: (p[2],),
            "attribute": lambda p: (p[3],)}[by]
    return [(pick(p), p[4], p[5]) for p in people]


def true_path(p, by: str) -> tuple:
    """The groups a person belongs to, worked out here apart from figures.py."""
    if by == "level":
        return (p[0], p[1])
    if by == "team":
        return (p[2] or "no team",)
    value = " ".join((p[3] or "").split())
    return (value.casefold() if value else NOT_RECORDED,)


@settings(max_examples=400, deadline=None)
@given(st.lists(person, max_size=60), st.integers(min_value=1, max_value=6),
       st.sampled_from(BY))
def test_shown_promotion_figures_never_single_out_fewer_than_k(people, k, by):
    rows = _grouped(keyed(people, by), by, k)
    truth: dict[tuple, list] = {}
    for p in people:
        path = true_path(p, by)
        for depth in range(len(path) + 1):
            truth.setdefault(path[:depth], []).append(p)
    shown = {key: count for key, _, count, _, _, hide in rows if not hide}
    if not people:
        assert rows == []
        return
    assert rows[0][0] == () and rows[0][1] == "Everyone"
    for key, _, count, promoted, days, hide in rows:
        if hide:
            assert by != "attribute" or key == (), "a withheld attribute group is named"
            continue
        members = truth[key]
        assert count == len(members) and (count == 0 or count >= k), (key, count, k)
        assert promoted == sum(p[4] for p in members)
        assert sorted(days) == sorted(p[5] for p in members)
    for key, count in shown.items():
        parts = [shown[part] for part in shown if len(part) == len(key) + 1
                 and part[:len(key)] == key]
        rest = count - sum(parts)
        assert rest == 0 or rest >= k, (key, count, parts, k)
    depth_one = [key for key in truth if len(key) == 1]
    assert sum(len(truth[key]) for key in depth_one) == len(people)
    assert not any(p for key, p in truth.items() if key not in {r[0] for r in rows}
                   and by != "attribute"), "a group is missing from the rows"
