"""The import report: every content block of every file, with the role it was given or the
reason it was left out, and the share of the input's text that became statements.

Every block is counted once, in one of three sums: `statement_chars` (what became statements),
`structure_chars` (the names of families, tracks, levels and areas, and page titles) and
`left_out_chars` (everything else, each block with its reason). `imported_chars` is the first
two; `total_chars` is all three, so `total_chars = imported_chars + left_out_chars` holds as
a check on the sums, not by taking one from another.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from .sections import BOLD_DEPTH, Entry

# "structure": the names a direct reader took from a file, counted together
IMPORTED_ROLES = ("statement", "family", "track", "level", "area", "title", "structure")


@dataclass
class FileReport:
    file: str
    reader: str
    status: str  # "read", "skipped", "failed"
    reason: str = ""
    layout: str = ""
    entries: list[Entry] = field(default_factory=list)


@dataclass
class ImportReport:
    files: list[FileReport] = field(default_factory=list)
    layout: str = ""

    def add(self, file_report: FileReport) -> None:
        self.files.append(file_report)

    def file(self, name: str) -> FileReport | None:
        return next((f for f in self.files if f.file == name), None)

    @property
    def entries(self) -> list[Entry]:
        return [e for f in self.files for e in f.entries]

    def totals(self) -> dict[str, int]:
        statements = structure = left_out = 0
        for entry in self.entries:
            if entry.role == "statement":
                statements += entry.size
            elif entry.role in IMPORTED_ROLES:
                structure += entry.size
            else:
                left_out += entry.size
        return {"total_chars": statements + structure + left_out,
                "imported_chars": statements + structure, "left_out_chars": left_out,
                "statement_chars": statements, "structure_chars": structure}

    def share_imported(self) -> float:
        totals = self.totals()
        return totals["statement_chars"] / totals["total_chars"] if totals["total_chars"] else 0.0

    def as_dict(self) -> dict:
        return {
            "layout": self.layout,
            "totals": self.totals(),
            "share_of_text_imported": round(self.share_imported(), 4),
            "files": [{
                "file": f.file, "reader": f.reader, "status": f.status, "reason": f.reason,
                "blocks": [{"line": e.line, "kind": e.kind, "role": e.role or "left-out",
                            "reason": e.reason or ("" if e.role else "not under a level"),
                            "where": e.where, "chars": e.size, "text": e.text[:300]}
                           for e in f.entries],
            } for f in self.files],
        }

    def summary_lines(self) -> list[str]:
        totals = self.totals()
        lines = [f"import report: {len(self.files)} file(s); "
                 f"{totals['statement_chars']:,} of {totals['total_chars']:,} characters became "
                 f"statements ({self.share_imported():.0%}); layout: {self.layout or 'n/a'}"]
        reasons = Counter()
        for entry in self.entries:
            if entry.role not in IMPORTED_ROLES:
                reasons[entry.reason or "not under a level"] += 1
        if reasons:
            lines.append("left out: " + "; ".join(f"{n} × {why}"
                                                  for why, n in reasons.most_common(8)))
        for f in self.files:
            if f.status != "read":
                lines.append(f"  {f.file}: {f.status} — {f.reason}")
        return lines


# --- the document tree as text (`craftpath import --tree`) ------------------------------------

TREE_TEXT = 72  # characters of a block's text shown


def tree_lines(report: ImportReport) -> list[str]:
    """Every file's blocks in order, nested under their headings and lists, each with its line,
    kind and role (and why it was left out, or where a statement went): what the importer saw
    and made of it, for people and for bug reports."""
    lines = []
    if report.layout:
        lines.append(f"layout: {report.layout}")
    for file in report.files:
        status = file.status + (f": {file.reason}" if file.reason else "")
        lines.append(f"{file.file}  [{file.reader} reader, {status}]")
        open_headings: list[int] = []  # depths of the headings the next block sits under
        for entry in file.entries:
            block = entry.block
            heading = entry.kind in ("heading", "title") and block is not None and \
                block.kind in ("heading", "para")
            # a bold name before a list heads it, below every real heading
            depth = (block.depth if block.kind == "heading" else BOLD_DEPTH) if heading else 0
            if heading:
                while open_headings and open_headings[-1] >= depth:
                    open_headings.pop()
            indent = len(open_headings) + (block.depth if block is not None and
                                           block.kind == "item" else 0)
            lines.append(f"{entry.line:>6}  {'  ' * indent}{_kind(entry)} "
                         f"{json.dumps(_short(entry.text), ensure_ascii=False)}  "
                         f"{_role(entry)}")
            if heading:
                open_headings.append(depth)
    return lines


def _kind(entry: Entry) -> str:
    block = entry.block
    if entry.chars is not None:
        return "File"
    if entry.kind == "heading":
        if block is None or block.kind == "table":
            return "TableHeader"
        if block.kind == "para":
            return "BoldName"
        return f"Header{block.depth}"
    if entry.kind == "item" and block is not None and block.kind == "item":
        return "Numbered" if block.numbered else "Checkbox" if block.checked is not None \
            else "Item"
    return {"para": "Para", "item": "Part", "cell": "Cell", "title": "Title",
            "comment": "Comment", "code": "Code"}.get(entry.kind, entry.kind.capitalize())


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TREE_TEXT else text[: TREE_TEXT - 1] + "…"


def _role(entry: Entry) -> str:
    role = entry.role or "left-out"
    if role == "statement":
        return f"statement → {entry.where}" if entry.where else "statement"
    if role in IMPORTED_ROLES:
        return role
    return f"left out: {entry.reason or 'not under a level'}"
