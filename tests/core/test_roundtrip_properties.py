"""Round trips on generated frameworks: read(write(framework)) == framework, for the canonical
YAML and for the just-the-docs pages (within what pages can express)."""

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from craftpath.core.formats import canonical, jtd
from craftpath.core.formats.inputs import TextFile
from craftpath.core.model import (
    DEFAULT_SCALE,
    Area,
    Expectation,
    Family,
    Framework,
    Level,
    PageStyle,
    Statement,
    Term,
    Track,
    in_grid_order,
    slugify,
    statement_id,
)
from craftpath.core.text import collect_terms, find_terms

WORDS = ["design", "review", "ship", "Kafka", "code", "mentor", "own", "team", "data", "API",
         "runbooks*", "MLOps goals*", "‘quotes’", "café", "yes", "null", "1.5", "#tag", "a: b",
         "x|y", "e.g.", "🚀", "**bold**", "[link](/x)"]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

phrase = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join)
sentence = phrase.map(lambda text: f"I {text}.")
name = st.lists(st.sampled_from([w for w in WORDS if w.isalpha()]), min_size=1, max_size=3).map(
    lambda words: " ".join(words).title())
free_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
                    min_size=1, max_size=30).map(str.strip).filter(bool)


def _statements(draw, area: str, level: str, pinned: bool) -> tuple[Statement, ...]:
    texts = draw(st.lists(sentence, max_size=4))
    return tuple(
        Statement(draw(st.from_regex(r"[a-z]{3}\.[0-9]{1,3}", fullmatch=True)) if pinned
                  else statement_id(area, level, i), text,
                  tuple(slug for slug, _ in find_terms(text)))
        for i, text in enumerate(texts, start=1))


@st.composite
def canonical_frameworks(draw):
    families = []
    for f in range(draw(st.integers(1, 2))):
        level_count = draw(st.integers(1, 5))
        levels = []
        for rank in range(level_count):
            missing = rank not in (0, level_count - 1) and draw(st.booleans())
            page = None if missing or draw(st.booleans()) else PageStyle(
                permalink=draw(st.sampled_from(["", "/x/y", "/a b/ç"])),
                nav_order=draw(st.none() | st.integers(0, 99)),
                layout=draw(st.sampled_from(["", "page"])),
                section_headings=(("t0", draw(free_text)),))
            levels.append(Level(f"l{rank}", draw(free_text), rank,
                                draw(st.none() | st.integers(-3, 30)),
                                "" if missing else draw(st.sampled_from(["", "Senior", "Ünï"])),
                                "" if missing else draw(st.sampled_from(["", "Engineer"])),
                                missing, page))
        tracks, cells, area_index = [], [], 0
        for t in range(draw(st.integers(1, 3))):
            areas = []
            for _ in range(draw(st.integers(1, 3))):
                slug = f"area-{area_index}"
                area_index += 1
                areas.append(Area(slug, draw(free_text), draw(st.sampled_from(["", "/o#" + slug])),
                                  draw(st.sampled_from(["", "Why it matters."]))))
                for level in levels:
                    if level.missing or not draw(st.booleans()):
                        continue
                    statements = _statements(draw, slug, level.slug, draw(st.booleans()))
                    gap = "" if statements else draw(st.sampled_from(["", "TODO"]))
                    cells.append(Expectation(slug, level.slug, statements, gap))
            tracks.append(Track(f"t{t}", draw(free_text), tuple(areas)))
        families.append(Family(f"family-{f}", draw(free_text), tuple(levels), tuple(tracks),
                               in_grid_order(levels, tracks, cells)))
    declared = [Term("code", "code", draw(st.sampled_from(["", "Text that runs."])))]
    return Framework(draw(free_text), tuple(families), collect_terms(tuple(families), declared),
                     draw(st.sampled_from(["", "2026.1", "1"])),
                     draw(st.sampled_from([DEFAULT_SCALE, ("Low", "High")])))


@SETTINGS
@given(canonical_frameworks())
def test_canonical_yaml_round_trips(framework):
    text = canonical.dumps(framework, header="generated")
    assert canonical.read_text(TextFile(Path("f.yaml"), text)) == (framework, [])
    json_text = canonical.dumps_json(framework)
    assert canonical.read_text(TextFile(Path("f.json"), json_text)) == (framework, [])


@st.composite
def page_frameworks(draw):
    """Frameworks the page format can express: numbered levels, holes only inside the range,
    every level with a page, track headings as the pages write them, derived ids."""
    level_count = draw(st.integers(1, 5))
    descending = draw(st.booleans())
    numbers = sorted(draw(st.sets(st.integers(1, 9), min_size=level_count,
                                  max_size=level_count)), reverse=descending)
    span = list(range(numbers[0], numbers[-1] + (-1 if descending else 1),
                      -1 if descending else 1))
    track_names = draw(st.lists(name, min_size=1, max_size=3, unique_by=slugify))
    areas_by_track = {}
    for track_name in track_names:
        names = draw(st.lists(name, min_size=1, max_size=3, unique_by=slugify))
        areas_by_track[track_name] = [n for n in names if all(
            slugify(n) not in {slugify(a) for a in other} for other in areas_by_track.values())]
    areas_by_track = {t: a for t, a in areas_by_track.items() if a}
    levels, cells = [], []
    for rank, number in enumerate(span):
        code, slug = f"Level {number}", f"level-{number}"
        if number not in numbers:
            levels.append(Level(slug, code, rank, number, missing=True))
            continue
        headings = []
        for track_name, area_names in areas_by_track.items():
            for area_name in area_names:
                statements = _statements(draw, slugify(area_name), slug, pinned=False)
                gap = "" if statements else draw(st.sampled_from(["", "TODO"]))
                cells.append(Expectation(slugify(area_name), slug, statements, gap))
            headings.append((slugify(track_name), f"Craft - {track_name}"))
        page = PageStyle(f"/f/{slug}", rank + 1, "page", tuple(headings))
        levels.append(Level(slug, code, rank, number, draw(name), draw(name), page=page))
    tracks = tuple(Track(slugify(t), t, tuple(Area(slugify(a), a, draw(
        st.sampled_from(["", f"/f#{slugify(a)}"]))) for a in areas))
        for t, areas in areas_by_track.items())
    family = Family(slugify("Craft Family"), "Craft Family", tuple(levels), tracks,
                    in_grid_order(levels, tracks, cells))
    return Framework(draw(free_text.filter(lambda text: text != "Craft Family")), (family,),
                     collect_terms((family,)))


@SETTINGS
@given(page_frameworks())
def test_pages_round_trip(framework):
    files = [TextFile(Path(f"{level.slug}.md"), text)
             for _, level, text in jtd.render_pages(framework)]
    read, notes = jtd.read(files)
    assert [d for d in notes if d.is_error] == []
    assert read == framework
