"""Exported HTML: tables either way round, or headings with lists; boilerplate left out."""

from __future__ import annotations

from craftpath.core.formats import load

NAV = "<nav><ul><li>Home</li><li>Level 9</li></ul></nav><footer><p>© Company</p></footer>"


def page(body: str, title: str = "Careers") -> str:
    return (f"<!doctype html><html><head><title>{title}</title><style>p{{}}</style></head>"
            f"<body>{NAV}<div class='banner'><p>Shared banner</p></div>{body}</body></html>")


def test_a_table_with_levels_as_columns(tmp_path):
    html = page("<h1>Engineering</h1><table><tr><th>Area</th><th>Level 1</th><th>Level 2</th>"
                "</tr><tr><td>Craft</td><td>Writes code<br>Tests it</td>"
                "<td><ul><li>Designs</li><li>Reviews</li></ul></td></tr></table>")
    (tmp_path / "eng.html").write_text(html)
    loaded = load([tmp_path / "eng.html"])
    family = loaded.framework.families[0]
    assert loaded.reader == "document"
    assert family.name == "Engineering"
    assert [s.text for s in family.expectation("craft", "level-1").statements] == [
        "Writes code", "Tests it"]
    assert [s.text for s in family.expectation("craft", "level-2").statements] == [
        "Designs", "Reviews"]


def test_a_table_with_levels_as_rows(tmp_path):
    html = page("<h1>Eng</h1><table><tr><th>Level</th><th>Craft</th><th>Team</th></tr>"
                "<tr><td>Junior</td><td>Writes small features</td><td>Pairs with others</td></tr>"
                "<tr><td>Senior</td><td>Designs whole systems</td><td>Mentors the team</td></tr>"
                "</table>")
    (tmp_path / "eng.html").write_text(html)
    family = load([tmp_path / "eng.html"]).framework.families[0]
    assert [level.code for level in family.levels] == ["Junior", "Senior"]
    assert family.expectation("team", "senior").statements[0].text == "Mentors the team"


def test_headings_with_lists_and_boilerplate_repeated_on_every_page(tmp_path):
    for name in ("backend", "frontend"):
        (tmp_path / f"{name}.html").write_text(page(
            f"<h1>{name.title()}</h1><h2>Level 1</h2><h3>Craft</h3><ul><li>Writes code</li></ul>"
            "<h2>Level 2</h2><h3>Craft</h3><ul><li>Designs</li></ul>"))
    (tmp_path / "faq.html").write_text(page("<h1>FAQ</h1><p>Why?</p>"))
    loaded = load([tmp_path])
    assert [f.name for f in loaded.framework.families] == ["Backend", "Frontend"]
    assert [s.text for s in loaded.framework.families[0].statements] == ["Writes code",
                                                                         "Designs"]
    faq = next(f for f in loaded.report.files if f.file.endswith("faq.html"))
    assert faq.entries and not any(e.role == "statement" for e in faq.entries)
