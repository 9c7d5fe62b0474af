"""Spreadsheet round trip: export keeps statement ids; a filled sheet imports as the
self-assessment; any bad row refuses the whole file with the row and field named."""

from __future__ import annotations

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from craftpath.web.checkins import loop

from .checkin_helpers import start_for


def _import(client, checkin, name, data):
    page = client.get(f"/checkins/{checkin.pk}/import/")
    fingerprint = page.context["form"].initial["fingerprint"]
    return client.post(f"/checkins/{checkin.pk}/import/", {
        "file": SimpleUploadedFile(name, data), "fingerprint": fingerprint})


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_csv_export_keeps_statement_ids_and_comes_back_as_ratings(client_as_engineer,
                                                                 small_org):
    checkin = start_for(small_org.ian)
    table = _csv_rows(client_as_engineer.get(f"/checkins/{checkin.pk}/export.csv").content)
    assert table[0][:2] == ["statement_id", "area"]
    ids = [row[0] for row in table[1:]]
    assert ids == list(checkin.entries.values_list("statement_id", flat=True))
    table[1][4], table[1][6] = "meets", "=SUM(1,2) is just text"
    table[2][4], table[2][5] = "Not applicable", "no edge work here"
    out = io.StringIO()
    csv.writer(out).writerows(table)
    response = _import(client_as_engineer, checkin, "filled.csv", out.getvalue().encode())
    assert response.status_code == 302
    first = checkin.entries.get(statement_id=ids[0])
    assert (first.self_value, first.self_comment) == ("Meets", "=SUM(1,2) is just text")
    assert checkin.entries.get(statement_id=ids[1]).self_reason == "no edge work here"
    # The comment that looks like a formula is defused in the export, and read back intact.
    again = _csv_rows(client_as_engineer.get(f"/checkins/{checkin.pk}/export.csv").content)
    assert again[1][6] == "'=SUM(1,2) is just text"


def test_xlsx_round_trip(client_as_engineer, small_org):
    from openpyxl import load_workbook

    checkin = start_for(small_org.ian)
    first = checkin.entries.first()
    loop.save_voice(checkin, "self", first.statement_id, value="Meets", reason="",
                    comment="=1+1", revision=0)
    response = client_as_engineer.get(f"/checkins/{checkin.pk}/export.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.active
    assert sheet.cell(2, 1).value == first.statement_id
    assert (sheet.cell(2, 7).value, sheet.cell(2, 7).data_type) == ("=1+1", "s")
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, 5, "Working towards")
    out = io.BytesIO()
    book.save(out)
    assert _import(client_as_engineer, checkin, "f.xlsx", out.getvalue()).status_code == 302
    assert set(checkin.entries.values_list("self_value", flat=True)) == {"Working towards"}
    assert checkin.entries.first().self_comment == "=1+1"  # text, never evaluated


def test_a_bad_sheet_names_every_row_and_field_and_changes_nothing(client_as_engineer,
                                                                 small_org):
    checkin = start_for(small_org.ian)
    table = _csv_rows(client_as_engineer.get(f"/checkins/{checkin.pk}/export.csv").content)
    table[1][4] = "Meets"  # fine on its own
    table[2][4] = "Brilliant"
    table[3][4] = "Not applicable"
    table[4][0] = "no-such.statement"
    table.append(table[1][:])  # the same statement twice
    out = io.StringIO()
    csv.writer(out).writerows(table)
    response = _import(client_as_engineer, checkin, "bad.csv", out.getvalue().encode())
    text = response.content.decode()
    assert response.status_code == 422 and "Nothing was imported" in text
    assert "row 3, rating: “Brilliant” is not on the scale" in text
    assert "row 4, not_applicable_reason: Not applicable needs a reason" in text
    assert "row 5, statement_id: “no-such.statement” is not a statement" in text
    assert f"row {len(table)}, statement_id:" in text and "earlier row" in text
    assert set(checkin.entries.values_list("self_value", flat=True)) == {""}


def test_files_that_are_not_sheets_are_refused_with_a_reason(client_as_engineer, small_org):
    checkin = start_for(small_org.ian)
    for name, data, says in [
        ("x.xlsx", b"PK\x03\x04 broken", "not a readable XLSX"),
        ("x.csv", "a,b\n".encode("utf-16"), "not UTF-8"),
        ("x.pdf", b"%PDF", "Upload a .xlsx or .csv"),
        ("x.csv", b"", "empty"),
        ("x.csv", b"foo,bar\n1,2\n", "no statement_id column"),
    ]:
        response = _import(client_as_engineer, checkin, name, data)
        assert response.status_code == 422, name
        assert says in response.content.decode(), name


def test_an_import_after_the_page_changed_elsewhere_is_refused(client_as_engineer, small_org):
    checkin = start_for(small_org.ian)
    page = client_as_engineer.get(f"/checkins/{checkin.pk}/import/")
    fingerprint = page.context["form"].initial["fingerprint"]
    table = _csv_rows(client_as_engineer.get(f"/checkins/{checkin.pk}/export.csv").content)
    table[1][4] = "Exceeds"
    entry = checkin.entries.get(statement_id=table[1][0])
    loop.save_voice(checkin, "self", entry.statement_id, value="Meets", reason="", comment="",
                    revision=0)  # another tab saves meanwhile
    out = io.StringIO()
    csv.writer(out).writerows(table)
    response = client_as_engineer.post(f"/checkins/{checkin.pk}/import/", {
        "file": SimpleUploadedFile("f.csv", out.getvalue().encode()),
        "fingerprint": fingerprint})
    assert response.status_code == 409 and b"nothing was imported" in response.content
    entry.refresh_from_db()
    assert entry.self_value == "Meets"


def test_only_the_person_imports(client_as, small_org):
    checkin = start_for(small_org.ian)
    assert client_as(small_org.leo).get(f"/checkins/{checkin.pk}/import/").status_code == 403
