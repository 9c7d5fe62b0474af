"""Each insights view as CSV and XLSX: the page's figures, withheld the same way, with text
that looks like a formula defused."""

from __future__ import annotations

import io

import pytest

from .insights_helpers import closed_checkin, team_of

VIEWS = ("heatmap", "gaps", "calibration", "readiness", "completion", "trends")


@pytest.fixture
def exported_org(small_org):
    people = team_of(small_org.leo, 6, "dev")
    people[0].name = "=HYPERLINK(evil)"
    people[0].save()
    for person in people:
        closed_checkin(person, small_org.leo)
    closed_checkin(small_org.sol, small_org.oto)
    return small_org


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_exports_as_csv_and_xlsx(client_as, exported_org, view):
    from openpyxl import load_workbook

    client = client_as(exported_org.pia)
    csv = client.get(f"/insights/{view}.csv")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert csv["Content-Disposition"] == f'attachment; filename="insights-{view}.csv"'
    xlsx = client.get(f"/insights/{view}.xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames and book.worksheets[0].max_row >= 1
    assert client.get(f"/insights/{view}.pdf").status_code == 404


def test_the_heatmap_export_defuses_formulas_and_withholds_like_the_page(client_as,
                                                                         exported_org):
    from openpyxl import load_workbook

    oto = client_as(exported_org.oto)
    page = oto.get("/insights/heatmap/").content.decode()
    body = oto.get("/insights/heatmap.csv").content.decode("utf-8-sig")
    # Sol alone: the page leaves the rows out and says so; the file keeps them, marked
    assert "Figures for 7 areas are withheld" in page and ",withheld,withheld" in body
    pia = client_as(exported_org.pia)
    body = pia.get("/insights/heatmap.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK(evil)" in body
    book = load_workbook(io.BytesIO(pia.get("/insights/heatmap.xlsx").content))
    names = [row[0].value for row in book.worksheets[0].iter_rows(min_row=2)]
    assert "'=HYPERLINK(evil)" in names
    assert all(not str(c.value).startswith("=") for row in book.worksheets[0].iter_rows()
               for c in row if c.value is not None)
