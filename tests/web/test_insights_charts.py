"""The insights charts' own drawing: labels that stay readable whatever the number of
quarters or the length of an area's name."""

from __future__ import annotations

import re

from craftpath.web.insights import charts


def quarter_labels(svg: str) -> list[tuple[float, str]]:
    return [(float(x), text) for x, text in
            re.findall(r'<text x="([\d.]+)" y="\d+" text-anchor="middle" font-size="11">'
                       r'(\d{4}-Q\d)</text>', svg)]


def test_quarter_labels_never_run_into_each_other_and_the_latest_is_always_shown():
    for count in (1, 2, 5, 8, 12, 20, 40):
        quarters = [f"{2000 + i // 4}-Q{i % 4 + 1}" for i in range(count)]
        svg = charts.lines(quarters, {"ML Ops": [50.0] * count}, "Coverage")
        labels = quarter_labels(svg)
        assert labels[-1][1] == quarters[-1]
        gaps = [b[0] - a[0] for a, b in zip(labels, labels[1:], strict=False)]
        assert all(gap >= charts.QUARTER_LABEL for gap in gaps), (count, gaps)
        assert len(labels) >= min(count, 4)


def test_the_value_axis_is_labelled():
    svg = charts.lines(["2026-Q1", "2026-Q2"], {"ML Ops": [10.0, 20.0]}, "Coverage")
    assert [v for v in re.findall(r'text-anchor="end" font-size="11">([\d.]+)</text>', svg)] \
        == ["0", "50", "100"]


def test_a_long_area_name_is_shortened_to_fit_beside_its_bar():
    svg = charts.bars([("Machine Learning and Deep Learning", 75.0)], 100, "Coverage", "%")
    [label] = re.findall(r'text-anchor="end" font-size="12">([^<]+)</text>', svg)
    assert label == "Machine Learning and Deep…" and len(label) <= 26
    assert f'x="{charts.LABEL}"' in svg  # the bar starts where the label's room ends


def test_the_heatmap_says_its_numbers_and_has_a_legend():
    svg = charts.grid(["Ann Lee"], ["ML Ops", "Edge Computing"], [[0.5, None]], "Coverage")
    assert ">50</text>" in svg  # the percentage in its square
    assert "Coverage, %:" in svg and "no statements at their level" in svg  # the legend
    assert svg.count('stroke-dasharray="3 3"') == 2  # the square with none, and its key
    # never so strong that the text on a square loses its contrast, in either theme
    assert max(float(o) for o in re.findall(r'fill-opacity="([\d.]+)"', svg)) <= 0.55
