"""The evidence assistant learning from past links: links teach it words the model cannot place,
a rejected suggestion counts against its statement, no links change nothing, duplicates change
nothing, and links are read as a stream with every bad line named. The links are generated: a
made-up jargon ("zorblat", "quindle") that only past links connect to statements."""

from __future__ import annotations

import json
import random
import tracemalloc

import pytest

from craftpath.core.match import Link, LinkReport, Matcher, load_embedder, read_links
from craftpath.core.match.learning import LinkSample, parse_links
from craftpath.core.match.reasons import LEARNED

LEVEL = "Mid"
TARGET = "edge-computing.level-4.1"  # the jargon is about this one
OTHER = "ai-strategy.level-4.1"
ITEM = "Ran the quarterly zorblat quindle calibration for the fleet"


def generated_links(statement: str, count: int, seed: int = 7) -> list[Link]:
    rng = random.Random(seed)
    verbs = ["Led", "Ran", "Wrote up", "Planned", "Automated", "Reviewed", "Fixed"]
    nouns = ["zorblat quindle calibration", "quindle drift check", "zorblat quindle run",
             "quindle sweep of the zorblat"]
    tails = ["for our devices", "with the team", "across two sites", "before the release"]
    return [Link(f"{rng.choice(verbs)} the {rng.choice(nouns)} {rng.choice(tails)} ({i})",
                 statement) for i in range(count)]


@pytest.fixture(scope="module")
def embedder():
    found, why = load_embedder()
    if found is None:
        pytest.fail(f"the embedding model should be installed with craftpath: {why}")
    return found


@pytest.fixture
def matcher(seed_family, embedder):
    return Matcher(seed_family, embedder)


def ranked(matcher, text=ITEM, top=3):
    return matcher.suggest(text, LEVEL, top=top)


def test_links_teach_a_statement_the_model_could_not_place(matcher):
    before = [s.statement.id for s in ranked(matcher)]
    assert TARGET not in before[:1]
    assert not any(s.why.startswith(LEARNED) for s in ranked(matcher))
    matcher.learn(generated_links(TARGET, 12))
    after = ranked(matcher)
    assert after[0].statement.id == TARGET
    assert after[0].why.startswith(f"{LEARNED}; ")
    assert "12 past links" in matcher.method


def test_links_to_one_statement_leave_unrelated_evidence_alone(matcher):
    text = "Presented the model strategy to the board"
    before = [(s.statement.id, round(s.score, 4)) for s in ranked(matcher, text)]
    matcher.learn(generated_links(TARGET, 12))
    after = ranked(matcher, text)
    assert [s.statement.id for s in after] == [sid for sid, _ in before]


def test_no_links_change_nothing(seed_family, embedder, matcher):
    fresh = Matcher(seed_family, embedder)
    matcher.learn([])
    assert [(s.statement.id, s.score, s.why) for s in ranked(matcher, top=10)] == \
        [(s.statement.id, s.score, s.why) for s in ranked(fresh, top=10)]
    assert matcher.method == fresh.method


def test_suggestions_turned_down_count_against_their_statement(matcher):
    first = ranked(matcher)[0].statement.id
    turned_down = [Link(link.text, first, rejected=True)
                   for link in generated_links(first, 12, seed=3)]
    matcher.learn(turned_down)
    assert ranked(matcher)[0].statement.id != first


def test_a_duplicated_link_file_learns_what_the_file_once_learns(seed_family, embedder):
    lines = [json.dumps({"text": link.text, "statement": link.statement})
             for link in generated_links(TARGET, 10) + generated_links(OTHER, 5, seed=1)]
    known = {seed_family.slug: frozenset(s.id for c in seed_family.expectations
                                         for s in c.statements)}
    once, report_once = read_links(lines, known)
    twice, report_twice = read_links(lines + list(reversed(lines)), known)
    assert once == twice
    assert report_once.kept == report_twice.kept == 15 and report_twice.links == 30
    first, second = Matcher(seed_family, embedder), Matcher(seed_family, embedder)
    first.learn(once[seed_family.slug])
    second.learn(twice[seed_family.slug])
    assert [(s.statement.id, s.score) for s in ranked(first, top=10)] == \
        [(s.statement.id, s.score) for s in ranked(second, top=10)]


def test_the_sample_per_statement_is_bounded_and_does_not_depend_on_order():
    links = generated_links(TARGET, 50) + generated_links(OTHER, 3, seed=2)
    forward, backward = LinkSample(keep=8), LinkSample(keep=8)
    for link in links:
        forward.add(link)
    for link in reversed(links):
        backward.add(link)
    assert forward.links() == backward.links()
    assert sum(link.statement == TARGET for link in forward.links()) == 8
    assert sum(link.statement == OTHER for link in forward.links()) == 3


def test_bad_lines_and_unknown_statements_are_named_by_line_and_skipped():
    lines = ['{"text": "Ran the zorblat", "statement": "a.1"}', "", "not json",
             '{"text": "Ran it", "statement": "no.such.statement"}', "[1, 2]",
             '{"text": "", "statement": "a.1"}', '{"text": "x", "statement": "a.1", '
             '"rejected": "yes"}', '{"text": "Turned down", "statement": "a.1", "rejected": true}']
    report = LinkReport()
    found = list(parse_links(lines, {"a.1"}, report, "links.jsonl"))
    assert found == [Link("Ran the zorblat", "a.1"), Link("Turned down", "a.1", rejected=True)]
    assert report.skipped == 5
    assert report.problems[0].startswith("links.jsonl:3: not JSON")
    assert report.problems[1] == ("links.jsonl:4: no statement 'no.such.statement' in this "
                                  "family; skipped")
    assert report.problems[2] == "links.jsonl:5: expected a JSON object"
    assert report.problems[3].startswith("links.jsonl:6: \"text\"")
    assert report.problems[4].startswith("links.jsonl:7: \"rejected\"")


def test_a_long_link_file_is_read_as_a_stream_in_bounded_memory():
    """50,000 lines (2.6 MB of text) go through in under 200 kB: lines are read one at a time,
    kept links are bounded per statement, and only the first bad lines are kept. (The peak
    does not grow with the file: about 40 kB for 50,000 lines or 200,000.)"""
    def lines(count):
        for number in range(count):
            if number % 2:
                yield json.dumps({"text": f"Ran zorblat run {number}", "statement": "a.1"})
            else:
                yield json.dumps({"text": f"Ran it {number}", "statement": "gone.1"})

    tracemalloc.start()
    links, report = read_links(lines(50_000), {"family": frozenset({"a.1"})})
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert report.lines == 50_000 and report.skipped == 25_000 and report.links == 25_000
    assert report.kept == 64 and report.capped
    assert len(links["family"]) == 64 and len(report.problems) == 20
    assert "… and 24980 more skipped lines" in report.summary()
    assert peak < 200_000


def test_a_link_made_later_is_added_without_learning_the_rest_again(seed_family, embedder):
    links = generated_links(TARGET, 12)
    at_once, step_by_step = Matcher(seed_family, embedder), Matcher(seed_family, embedder)
    at_once.learn(links)
    step_by_step.learn(links[:11])
    step_by_step.learn_more(links[11:])
    assert len(step_by_step.learned) == 12
    # Evidence is quantised per batch, so a link embedded alone differs in the last digits.
    first, second = ranked(at_once, top=5), ranked(step_by_step, top=5)
    assert [s.statement.id for s in first] == [s.statement.id for s in second]
    assert [s.score for s in first] == pytest.approx([s.score for s in second], abs=0.01)
