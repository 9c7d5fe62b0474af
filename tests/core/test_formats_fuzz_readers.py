"""Every reader is fed thousands of damaged inputs: only diagnostics come out, never a traceback.

Damage is made by a seeded random generator (so a failure can be replayed) from a valid input
per reader: corpus excerpts where the corpus has that format, small made-up files otherwise.
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import pytest

from craftpath.core.formats import (
    front_matter,
    grid,
    headings,
    html_tables,
    json_refs,
    load,
    relational_yaml,
)
from craftpath.core.formats.inputs import TextFile
from craftpath.core.model import Diagnostic, Framework

CASES_PER_READER = 700
NASTY = ["\t", ":", ": ", "- ", "-", "{", "}", "[", "]", "|", "<", ">", "</td>", "<br>", "#",
         "## ", "**", "*", "\"", "'", "\n", "\n---\n", "&", "&#0;", "\u202e", "🛠️", "1. ",
         "level: x", "level: 99", "null", "~", "!!python/object:os.system", "\\", ",", ";",
         "\r", "\x0b", "\ufeff", "<table>", "<tr><td>", "%", "*&a", "&a", "? ", "@", "`"]

GRID_CSV = "Area,Level 1,Level 2,Notes\nCraft,\"Writes code\nTests\",1. Designs\n2. Reviews,x\n"
HTML = ("<html><body><nav>menu</nav><h1>Eng</h1><table><tr><th>Area</th><th>Level 1</th>"
        "<th>Level 2</th></tr><tr><td>Craft</td><td>Writes<br>Tests</td><td>Designs</td></tr>"
        "</table><h2>Level 1</h2><ul><li><strong>Craft</strong>: code</li></ul></body></html>")


def _excerpt(path: Path, lines: int) -> str:
    return "\n".join(path.read_text(encoding="utf-8").split("\n")[:lines]) + "\n"


def _seeds(corpus: Path) -> dict[str, list[tuple[str, str]]]:
    """reader name → [(file name, valid text)]."""
    monzo = corpus / "monzo__progression-framework/frameworks"
    jorgef = corpus / "jorgef__engineeringladders"
    unidays = corpus / "MyUNiDAYS__competency-framework/content"
    ft = corpus / "Financial-Times__engineering-progression/data/job-families/engineering.yml"
    return {
        relational_yaml.NAME: [("engineering.yml", _excerpt(ft, 140))],
        front_matter.NAME: [("backend.md", _excerpt(monzo / "engineering/backend.md", 80)),
                            ("people.md", _excerpt(monzo / "people.md", 60))],
        headings.NAME: [("Developer.md", _excerpt(jorgef / "Developer.md", 60)),
                        ("README.md", _excerpt(jorgef / "README.md", 137)),
                        ("design.md", _excerpt(monzo / "design/user-research.md", 40))],
        json_refs.NAME: [("roles.json", (unidays / "roles/sso.json").read_text()),
                         ("core.yaml", "path: core\ntopics:\n- path: t\n  levels:\n"
                                       "  - {path: '1', criteria: [a, b]}\n")],
        html_tables.NAME: [("page.html", HTML)],
        grid.NAME: [("grid.csv", GRID_CSV)],
    }


def _damage(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 6)):
        where = rng.randrange(len(text) + 1)
        action = rng.random()
        if action < 0.35:
            text = text[:where] + rng.choice(NASTY) + text[where:]
        elif action < 0.55:
            text = text[:where] + text[where + rng.randint(1, 40):]
        elif action < 0.65:
            text = text[:where]
        elif action < 0.8 and text:
            lines = text.split("\n")
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
        elif action < 0.9:
            text = text[:where] + chr(rng.randint(1, 0x2FFF)) + text[where:]
        else:
            lines = text.split("\n")
            i = rng.randrange(len(lines))
            lines[i] = " " * rng.randint(0, 8) + lines[i].lstrip()
            text = "\n".join(lines)
    return text


def _check(module, files: list[TextFile], hints=None) -> None:
    for file in files:
        module.sniff(file)
    framework, notes = module.read(files, hints)
    assert framework is None or isinstance(framework, Framework)
    assert all(isinstance(note, Diagnostic) for note in notes)


MODULES = {m.NAME: m for m in (relational_yaml, front_matter, headings, json_refs, html_tables,
                               grid)}


@pytest.mark.parametrize("name", MODULES)
def test_damaged_text_gives_only_diagnostics(corpus_dir, name):
    module = MODULES[name]
    seeds = _seeds(corpus_dir)[name]
    rng = random.Random(f"craftpath-{name}")
    hint_choices = [None, {"separator": "("}, {"level_heading": "9", "orientation": "rows"},
                    {"level_order": "descending", "area_heading": "x", "bullet_area": "position"}]
    for case in range(CASES_PER_READER):
        file_name, text = seeds[case % len(seeds)]
        damaged = _damage(text, rng)
        files = [TextFile(Path(f"fuzz/{file_name}"), damaged)]
        if case % 7 == 0:  # sets of files too: a damaged one beside an intact one
            files.append(TextFile(Path(f"fuzz/other/{file_name}"), text))
        try:
            _check(module, files, hint_choices[case % len(hint_choices)])
        except Exception as error:  # pragma: no cover - the message is the point
            raise AssertionError(f"{name} case {case} raised {error!r} on:\n{damaged!r}") from error


def _xlsx(rows: list[list[str]]) -> bytes:
    out = io.BytesIO()
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    with zipfile.ZipFile(out, "w") as book:
        book.writestr("xl/workbook.xml", f'<workbook xmlns="{ns}" xmlns:r="http://schemas.'
                      'openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
                      'name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        book.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="x"><Relationship '
                      'Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>')
        book.writestr("xl/sharedStrings.xml", f'<sst xmlns="{ns}"><si><t>Level 1</t></si></sst>')
        body = "".join(f'<row r="{r}">' + "".join(
            f'<c r="{chr(65 + c)}{r}" t="inlineStr"><is><t>{v}</t></is></c>'
            for c, v in enumerate(row)) + "</row>" for r, row in enumerate(rows, start=1))
        body += '<row r="9"><c r="A9" t="s"><v>0</v></c><c r="B9" t="b"><v>1</v></c></row>'
        book.writestr("xl/worksheets/sheet1.xml",
                      f'<worksheet xmlns="{ns}"><sheetData>{body}</sheetData></worksheet>')
    return out.getvalue()


def test_damaged_workbooks_give_only_diagnostics():
    valid = _xlsx([["Area", "Level 1", "Level 2"], ["Craft", "Writes", "Designs"]])
    rng = random.Random("craftpath-xlsx")
    for case in range(CASES_PER_READER):
        data = bytearray(valid)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if case % 5 == 0:
            data = data[: rng.randrange(len(data))]
        _check(grid, [TextFile(Path("fuzz/book.xlsx"), "", bytes(data))])


def test_damaged_xml_inside_a_sound_zip_gives_only_diagnostics():
    rng = random.Random("craftpath-xlsx-xml")
    valid = _xlsx([["Area", "Level 1", "Level 2"], ["Craft", "Writes", "Designs"]])
    with zipfile.ZipFile(io.BytesIO(valid)) as book:
        members = {name: book.read(name).decode() for name in book.namelist()}
    for _ in range(300):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as book:
            for name, text in members.items():
                book.writestr(name, _damage(text, rng) if rng.random() < 0.5 else text)
        _check(grid, [TextFile(Path("fuzz/book.xlsx"), "", out.getvalue())])


def test_load_never_raises_on_damaged_sets(tmp_path, corpus_dir):
    rng = random.Random("craftpath-load")
    seeds = [item for items in _seeds(corpus_dir).values() for item in items]
    for case in range(60):
        folder = tmp_path / f"set{case}"
        folder.mkdir()
        for name, text in rng.sample(seeds, 3):
            (folder / name).write_text(_damage(text, rng), encoding="utf-8")
        try:
            loaded = load([folder])
        except Exception as error:
            from craftpath.core.formats.inputs import InputError
            assert isinstance(error, InputError), repr(error)
            continue
        assert all(isinstance(note, Diagnostic) for note in loaded.diagnostics)
