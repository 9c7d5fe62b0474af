"""The one stylesheet keeps to its tokens: colours only in :root blocks (Primer's lint, as one
regex), a dark set, the contract's component classes, and no page styling itself."""

import re
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "src" / "craftpath" / "web"
SHEET = WEB / "static" / "craftpath" / "craftpath.css"
COMPONENTS = [
    "button", "button--primary", "button--secondary", "button--danger", "button--small",
    "page-header", "page-header__actions", "cards", "card", "card__title", "card__body", "stack",
    "table-wrap", "table", "stat", "stat__value", "stat__label", "chart", "suppressed", "badge",
    "badge--not-started", "badge--in-progress", "badge--submitted", "badge--reviewed",
    "badge--closed", "badge--late", "badge--info", "badge--success", "badge--warning",
    "badge--danger", "tabs", "breadcrumbs", "form-group", "hint", "field-error", "error-summary",
    "empty-state", "toast", "muted", "visually-hidden", "rating-scale", "statement-row",
    "statement-row__id",
]


def outside_root(css: str) -> str:
    """The sheet with every `:root { … }` block (and comments) taken out."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    out, depth, i = [], 0, 0
    for match in re.finditer(r":root[^{]*\{", css):
        if match.start() < i:
            continue
        out.append(css[i:match.start()])
        depth, j = 1, match.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(css[j], 0)
            j += 1
        i = j
    out.append(css[i:])
    return "".join(out)


def test_no_hex_colour_outside_root():
    stray = re.findall(r"#[0-9a-fA-F]{3,8}\b", outside_root(SHEET.read_text()))
    assert stray == []


def test_the_check_itself_finds_a_stray_colour():
    sample = ":root { --a: #fff; } a { color: #123456; }"
    assert re.findall(r"#[0-9a-fA-F]{3,8}\b", outside_root(sample)) == ["#123456"]


def test_a_dark_set_follows_the_system():
    assert "@media (prefers-color-scheme: dark)" in SHEET.read_text()


def test_every_component_class_of_the_contract_is_styled():
    css = SHEET.read_text()
    missing = [name for name in COMPONENTS if not re.search(rf"\.{re.escape(name)}(?![\w-])", css)]
    assert missing == []


def test_no_template_styles_itself():
    offenders = [str(path.relative_to(WEB)) for path in WEB.rglob("templates/**/*.html")
                 if re.search(r"<style|\sstyle=", path.read_text())]
    assert offenders == []
