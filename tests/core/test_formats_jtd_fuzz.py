"""Thousands of damaged seed pages: reading and linting them gives diagnostics, never a crash."""

import random

import pytest

from craftpath.core.formats import load
from craftpath.core.formats.inputs import InputError
from craftpath.core.lint import lint
from craftpath.core.model import Diagnostic, Framework

CASES_PER_DAMAGE = 400


def truncate(rng, text):
    return text[: rng.randrange(len(text))]


def shuffle_lines(rng, text):
    lines = text.splitlines()
    start = rng.randrange(len(lines))
    part = lines[start:start + rng.randrange(2, 12)]
    rng.shuffle(part)
    return "\n".join(lines[:start] + part + lines[start + len(part):])


def drop_pipes(rng, text):
    return "".join(ch for ch in text if ch != "|" or rng.random() > 0.3)


def splice_noise(rng, text):
    at = rng.randrange(len(text))
    noise = "".join(rng.choice("|#-*<br>\n\t:[]()`'\"\\ Level 9 TODO") for _ in range(40))
    return text[:at] + noise + text[at:]


def huge_cell(rng, text):
    return text.replace("TODO", " <br><br> ".join(["I do a very long thing."] * 5000), 1)


def duplicate_front_matter(rng, text):
    return text.replace("---\n", "---\ntitle: Level x\n---\n", rng.randrange(1, 3))


TEXT_DAMAGES = [truncate, shuffle_lines, drop_pipes, splice_noise, huge_cell,
                duplicate_front_matter]


def random_bytes(rng, data):
    return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))


def other_encoding(rng, data):
    text = data.decode("utf-8")
    return text.encode(rng.choice(["utf-16", "cp1252", "latin-1", "utf-8-sig"]),
                       errors="replace")


def flip_bytes(rng, data):
    damaged = bytearray(data)
    for _ in range(rng.randrange(1, 20)):
        damaged[rng.randrange(len(damaged))] = rng.randrange(256)
    return bytes(damaged)


BYTE_DAMAGES = [random_bytes, other_encoding, flip_bytes]


def _read_and_lint(path):
    try:
        loaded = load([path])
    except InputError as error:  # unusable input: one clear line, as the CLI prints it
        assert str(error).startswith(str(path))
        return
    assert loaded.framework is None or isinstance(loaded.framework, Framework)
    for diagnostic in lint(loaded.framework, loaded.diagnostics):
        assert isinstance(diagnostic, Diagnostic) and diagnostic.message


@pytest.mark.parametrize("damage", TEXT_DAMAGES + BYTE_DAMAGES, ids=lambda f: f.__name__)
def test_damaged_pages_give_only_diagnostics(damage, seed_pages, tmp_path):
    rng = random.Random(damage.__name__)
    originals = [page.read_bytes() for page in seed_pages]
    cases = CASES_PER_DAMAGE // 20 if damage is huge_cell else CASES_PER_DAMAGE
    for case in range(cases):
        original = rng.choice(originals)
        if damage in BYTE_DAMAGES:
            data = damage(rng, original)
        else:
            data = damage(rng, original.decode("utf-8")).encode("utf-8")
        path = tmp_path / f"case-{case}.md"
        path.write_bytes(data)
        _read_and_lint(path)


def test_a_damaged_page_among_good_ones_leaves_the_others_read(seed_pages, tmp_path):
    for page in seed_pages:
        (tmp_path / page.name).write_bytes(page.read_bytes())
    broken = seed_pages[0].read_text().replace("parent: ML", "parent: [ML", 1)
    (tmp_path / seed_pages[0].name).write_text(broken)
    loaded = load([tmp_path])
    assert len(loaded.framework.families[0].present_levels) == 3
    errors = [d for d in loaded.diagnostics if d.is_error]
    assert [(d.code, d.source.file) for d in errors] == [
        ("CP010", str(tmp_path / seed_pages[0].name))]
    assert "front matter is not valid YAML" in errors[0].message
