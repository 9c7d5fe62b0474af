"""Every framework of ../shared/corpus/ imports whole, with the families, levels (junior first),
areas and statement counts written down here, and survives a canonical round trip.

Splitting rules the counts follow:
- FT (relational YAML): one competency summary is one statement, unless it is a numbered list
  ("1. … 2. …"), when each item is one; several sentences in one item stay one statement.
- Monzo (front matter): each `criteria` entry and each `exampleCriteria[].criteria` is one
  statement (examples are not statements). The design pages (headings): one paragraph under
  an area heading is one statement.
- jorgef (headings): one bullet `**Keyword**: text` is one statement, its area the README
  heading under which the keyword is defined.
- MyUNiDAYS (JSON references): each criterion of a referenced catalogue level is one statement.
- The document reader (Snowflake, infopulse, Artsy, InfraCloud, dskst): each list item, `<li>`,
  `<br>` part or data list element is one statement, and so is each paragraph or data text
  value (Snowflake's `summary` and `signals`, dskst's `summary` and `detail`); examples,
  descriptions, intros, figures and navigation are left out and counted in the report.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from craftpath.core.formats import canonical, load
from craftpath.core.formats.inputs import TextFile

DEVELOPER_LEVELS = ["D1", "D2", "D3", "D4", "D5", "D6", "D7"]
TL = ["TL4", "TL5", "TL6", "TL7"]
MONZO_LEVELS = {n: [f"Level {i}" for i in range(1, n + 1)] for n in range(2, 8)}

# folder: (reader, [(family slug, level codes junior first, area count, statement count)])
EXPECTED = {
    "Financial-Times__engineering-progression": ("relational-yaml", [
        ("engineering", ["Junior Engineer", "Engineer", "Senior Engineer 1",
                         "Senior Engineer 2 (Individual Contributor)",
                         "Senior Engineer 2 (People Manager)",
                         "Principal Engineer (Individual Contributor)",
                         "Principal Engineer (People Manager)", "Technology Director"], 9, 92),
    ]),
    "monzo__progression-framework": ("front-matter+document", [
        ("customer-operations-framework", MONZO_LEVELS[2], 4, 23),
        ("product-design-framework", MONZO_LEVELS[6], 3, 18),
        ("user-research-framework", MONZO_LEVELS[6], 3, 18),
        ("visual-design-framework", MONZO_LEVELS[6], 3, 18),
        ("backend-engineering-framework", MONZO_LEVELS[6], 5, 135),
        ("data-engineering-framework", MONZO_LEVELS[6], 7, 141),
        ("mobile-engineering-framework", MONZO_LEVELS[6], 5, 127),
        ("quality-analyst-framework", MONZO_LEVELS[3], 5, 55),
        ("web-engineering-framework", MONZO_LEVELS[6], 5, 165),
        ("executive-support-framework", MONZO_LEVELS[5], 4, 30),
        ("generic-framework", MONZO_LEVELS[6], 5, 72),
        ("marketing-framework", MONZO_LEVELS[7], 3, 61),
        ("ops-individual-contributor-framework", MONZO_LEVELS[5], 4, 70),
        ("ops-leadership-framework", ["Level 2", "Level 3", "Level 4", "Level 5", "Level 6"],
         5, 152),
        ("people", MONZO_LEVELS[7], 5, 146),
        ("product-framework", MONZO_LEVELS[4], 7, 70),
        ("technical-operations", MONZO_LEVELS[5], 6, 139),
    ]),
    "jorgef__engineeringladders": ("headings-markdown", [
        ("developer", DEVELOPER_LEVELS, 5, 35),
        ("engineering-manager", ["EM5", "EM6", "EM7"], 5, 15),
        ("tech-lead", TL, 5, 20),
        ("technical-program-manager", ["TPM4", "TPM5", "TPM6", "TPM7"], 5, 20),
        ("ko-developer", DEVELOPER_LEVELS, 5, 35),
        ("ko-techlead", TL, 5, 20),
    ]),
    "MyUNiDAYS__competency-framework": ("json-refs", [
        ("creative-design", ["Creative Designer"], 9, 70),
        ("software-engineer", ["Junior Software Engineer", "Mid-Level Software Engineer",
                               "Senior Software Engineer", "Lead Software Engineer"], 8, 220),
        ("front-end-engineer", ["Junior Front End Engineer", "Mid-Level Front End Engineer",
                                "Senior Front End Engineer", "Lead Front End Engineer"], 8, 206),
        ("test-engineer", ["Junior Test Engineer", "Mid-Level Test Engineer",
                           "Senior Test Engineer", "Lead Test Engineer"], 8, 197),
        ("infrastructure-engineer", ["Junior Infrastructure Engineer",
                                     "Mid-Level Infrastructure Engineer",
                                     "Senior Infrastructure Engineer",
                                     "Lead Infrastructure Engineer"], 7, 176),
        ("software-architect", ["Software Architect", "Senior Software Architect"], 7, 76),
        ("verification-architect", ["Senior Verification Engineer"], 8, 50),
        ("solutions-architect", ["Solutions Engineer"], 7, 48),
        ("engineering-operations", ["Engineering Operations Manager"], 7, 38),
        ("ui-ux-designer", ["Junior UI/UX Designer", "Mid-Level UI/UX Designer",
                            "Senior UI/UX Designer", "Lead UI/UX Designer"], 7, 176),
        ("senior-manager", ["Head of Engineering", "Chief Technology Officer"], 8, 98),
        ("it-support-analyst", ["1st Line Analyst", "2nd Line Analyst", "3rd Line Analyst",
                                "IT Manager"], 8, 237),
        ("product-owner", ["Product Owner"], 13, 55),
        ("business-analyst", ["Business Analyst"], 13, 55),
        ("product-manager", ["Technical Product Manager", "Senior Product Manager"], 14, 107),
        ("head-of-product", ["Head of Product"], 13, 50),
        ("vp-product-engineering", ["VP Product and Engineering"], 11, 42),
        ("design", ["Creative Strategist", "Lead UX Designer"], 6, 60),
        ("project-management", ["Change Project Manager"], 13, 55),
    ]),
}


# folder: (layout found, [(family slug, levels junior first, areas, statements)], share of
# the input's text that became statements)
DOCUMENT_TREE = {
    "Medium__snowflake": (
        "1 heading-3 sections repeating the same 5 heading-4 sections; levels are the latter",
        [("tracks", ["1", "2", "3", "4", "5"], 16, 320)], 0.576),
    "infopulse__Tech-Skills-Matrix-QA": (
        "8 file-name sections repeating the same 5 heading-2 sections; levels are the latter",
        [("matrix", ["Trainee", "Junior", "Middle", "Senior", "Expert"], 8, 172)], 0.807),
    "artsy__README": (
        "13 table-row sections repeating the same 5 table-column sections; levels are the "
        "latter; 5 table-row sections repeating the same 4 table-column sections; levels are "
        "the former",
        [("individual-contributors", ["Intern", "Engineer 1", "Engineer 2", "Senior Engineer 1",
                                      "Senior Engineer 2", "Staff Engineer",
                                      "Senior Staff Engineer", "Principal Engineer"], 13, 142),
         ("engineering-management-ladder", ["Engineering Manager 1", "Engineer Manager 2",
                                            "Senior Engineering Manager",
                                            "Director of Engineering",
                                            "Senior Director of Engineering"], 4, 68)], 0.709),
    "infracloudio__career-ladders": (
        "5 file-name sections repeating the same 4 heading-2 sections; levels are the former",
        [("engineering", ["Associate Engineer", "Engineer", "Senior Engineer", "Staff Engineer",
                          "Principal Engineer"], 7, 120)], 0.646),
    "dskst__em-competency-matrix": (
        "28 file-name sections repeating the same 6 heading-1 sections; levels are the latter",
        [("em-competency-matrix", ["L1", "L2", "L3", "L4", "L5", "L6"], 28, 281)], 0.808),
}


@pytest.fixture(scope="module")
def corpus_loads(corpus_dir):
    return {folder: load([corpus_dir / folder]) for folder in [*EXPECTED, *DOCUMENT_TREE]}


@pytest.mark.parametrize("folder", DOCUMENT_TREE)
def test_each_new_corpus_framework_reads_through_the_document_tree(corpus_loads, folder):
    loaded = corpus_loads[folder]
    layout, families, share = DOCUMENT_TREE[folder]
    assert loaded.reader == "document"
    assert loaded.report.layout == layout
    found = [(f.slug, [level.code for level in f.levels], len(f.areas), len(f.statements))
             for f in loaded.framework.families]
    assert found == families
    assert loaded.report.share_imported() == pytest.approx(share, abs=0.001)
    totals = loaded.report.totals()
    assert totals["total_chars"] == totals["imported_chars"] + totals["left_out_chars"]
    assert not [d for d in loaded.diagnostics if d.is_error]


@pytest.mark.parametrize("folder", DOCUMENT_TREE)
def test_each_new_corpus_framework_survives_a_canonical_round_trip(corpus_loads, folder):
    framework = corpus_loads[folder].framework
    again, notes = canonical.read_text(TextFile(Path("round-trip.yaml"),
                                                canonical.dumps(framework)))
    assert notes == []
    assert again == framework


def test_snowflake_examples_are_left_out_as_examples_with_their_lines(corpus_loads):
    report = corpus_loads["Medium__snowflake"].report
    examples = [e for e in report.entries if e.reason == "examples"]
    assert len(examples) == 240
    assert all(e.file.endswith("constants.js") and e.line > 0 for e in examples)


def test_infracloud_levels_follow_front_matter_weight_not_file_names(corpus_loads):
    family = corpus_loads["infracloudio__career-ladders"].framework.families[0]
    assert [area.name for area in family.areas][:6] == [
        "Core Competencies", "Management", "Delighting People", "Organization Building",
        "Social Capital", "Enabling Traits"]
    assert [t.name for t in family.tracks][:3] == ["All", "Functional Competencies",
                                                   "Behavioral Competencies"]


def test_skeleton_and_readme_give_no_statements(corpus_loads):
    report = corpus_loads["dskst__em-competency-matrix"].report
    for name in ("skeleton.json", "README.md"):
        file_report = next(f for f in report.files if f.file.endswith(name))
        assert not any(e.role == "statement" for e in file_report.entries)


@pytest.mark.parametrize("folder", EXPECTED)
def test_each_corpus_framework_reads_with_these_families_levels_areas_and_statements(
        corpus_loads, folder):
    loaded = corpus_loads[folder]
    reader, families = EXPECTED[folder]
    assert loaded.reader == reader
    found = [(f.slug, [level.code for level in f.levels], len(f.areas), len(f.statements))
             for f in loaded.framework.families]
    assert found == families
    assert not [d for d in loaded.diagnostics if d.is_error]


@pytest.mark.parametrize("folder", EXPECTED)
def test_each_corpus_framework_survives_a_canonical_round_trip(corpus_loads, folder):
    framework = corpus_loads[folder].framework
    again, notes = canonical.read_text(TextFile(Path("round-trip.yaml"),
                                                canonical.dumps(framework)))
    assert notes == []
    assert again == framework


def test_ft_areas_are_the_themes_and_numbered_summaries_split(corpus_loads):
    family = corpus_loads["Financial-Times__engineering-progression"].framework.families[0]
    assert [area.slug for area in family.areas] == [
        "planning-organising", "independent-working", "problem-solving-decision-making",
        "business-impact", "communication", "team-work", "curiosity-learning", "leadership",
        "technical"]
    cell = family.expectation("technical", "tech-director")
    assert len(cell.statements) == 3
    assert cell.statements[0].text.startswith("Oversees the strategic planning")


def test_monzo_quirks_are_reported(corpus_loads):
    notes = corpus_loads["monzo__progression-framework"].diagnostics
    tab = [d for d in notes if d.code == "CP310"]
    assert [(Path(d.source.file).name, d.source.line) for d in tab] == [("people.md", 205)]
    assert "tab" in tab[0].message
    count = [d for d in notes if d.code == "CP316"]
    assert [Path(d.source.file).name for d in count] == ["ops-leadership.md"]
    assert "numbered 2–6" in count[0].message
    faq = [Path(d.source.file).name for d in notes if d.code == "CP314"]
    assert sorted(faq) == ["backend.md", "data.md", "mobile.md", "qualityanalyst.md", "web.md"]


def test_jorgef_areas_come_from_the_readme_and_non_ladders_are_skipped(corpus_loads):
    loaded = corpus_loads["jorgef__engineeringladders"]
    developer = loaded.framework.families[0]
    assert [area.name for area in developer.areas] == [
        "Technology", "System", "People", "Process", "Influence"]
    assert developer.areas[0].description == "knowledge of the tech stack and tools"
    assert developer.expectation("technology", "d1").statements[0].text.startswith("Adopts: ")
    skipped = {Path(d.source.file).name for d in loaded.diagnostics if d.code == "CP001"}
    assert skipped == {"LICENSE", "Managing-Managers.md", "TechLead-EngineeringManager.md"}
    followed = [d.source.file for d in loaded.diagnostics if d.code == "CP321"]
    assert [Path(f).relative_to(Path(f).parents[1]).as_posix() for f in followed] == [
        "jorgef__engineeringladders/README.md", "ko/README.md"]


def test_myunidays_references_resolve_and_the_broken_one_is_named(corpus_loads):
    loaded = corpus_loads["MyUNiDAYS__competency-framework"]
    broken = [d for d in loaded.diagnostics if d.code == "CP334"]
    assert len(broken) == 1
    assert "engineering-competencies/test/1337" in broken[0].message
    assert "levels[3].optional[0]" in broken[0].message
    engineer = loaded.framework.find_family("software-engineer")
    assert [track.name for track in engineer.tracks] == ["Core", "Engineering (optional)"]
    skipped = {Path(d.source.file).name for d in loaded.diagnostics if d.code == "CP001"}
    assert skipped == {"README.md", "competencies-schema.json", "roles-schema.json",
                       "license.txt"}
