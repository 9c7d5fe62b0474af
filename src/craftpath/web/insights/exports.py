"""A Report as CSV or XLSX: every table, withheld cells written as "withheld", exactly the
figures the page shows (exports carry every row where a page shows one page of them).
Text that starts like a formula is defused (web/cells.py), as every export is."""

from __future__ import annotations

import csv
import io

from craftpath.web.cells import defuse as _safe

from .report import Report


def to_csv(report: Report) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for n, table in enumerate(report.tables):
        if n:
            writer.writerow([])
        writer.writerow([_safe(table.title)])
        writer.writerow([_safe(c) for c in table.columns])
        for row in table.rows:
            writer.writerow([_safe(cell.export) for cell in row])
    for note in report.notes:
        writer.writerow([])
        writer.writerow([_safe(note)])
    return out.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def to_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    used = set()
    for table in report.tables:
        name = "".join(ch for ch in table.title if ch not in "[]:*?/\\")[:28] or "Sheet"
        while name in used:
            name = name[:26] + f"{len(used)}"
        used.add(name)
        sheet = book.create_sheet(name)
        sheet.append([_safe(c) for c in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_safe(cell.export) for cell in row])
            for written in sheet[sheet.max_row]:
                if isinstance(written.value, str):
                    written.data_type = "s"  # text stays text, never a formula
        sheet.freeze_panes = "A2"
    if report.notes:
        sheet = book.create_sheet("Notes")
        for note in report.notes:
            sheet.append([_safe(note)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
