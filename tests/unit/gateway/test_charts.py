"""The SVG chart builder: well-formed, named, described, proportional, escaped."""

import xml.etree.ElementTree as ET

import pytest

from gateway import charts

NS = {"s": "http://www.w3.org/2000/svg"}


def parse(chart):
    return ET.fromstring(chart.svg)


def test_bars_are_an_image_named_and_described_by_its_title_and_desc():
    chart = charts.bars("g1", "Hồ sơ theo trạng thái", [("Đang xử lý", 12)])
    root = parse(chart)
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"s:title[@id='{title_id}']", NS).text == "Hồ sơ theo trạng thái"
    assert root.find(f"s:desc[@id='{desc_id}']", NS).text == chart.desc


def test_the_text_alternative_names_every_label_and_value():
    items = [("Đã tiếp nhận", 3), ("Đang xử lý", 12), ("Hoàn thành", 0)]
    chart = charts.bars("g", "Trạng thái", items, fmt=lambda v: f"{v:,}")
    for label, value in items:
        assert f"{label}: {value}" in chart.desc
    bar_titles = [g.find("s:title", NS).text for g in parse(chart).findall("s:g", NS)]
    assert bar_titles == ["Đã tiếp nhận: 3", "Đang xử lý: 12", "Hoàn thành: 0"]


def test_bar_widths_are_proportional_to_the_values_in_the_given_order():
    chart = charts.bars("g", "t", [("a", 10), ("b", 5), ("c", 0), ("d", 2.5)])
    rects = parse(chart).findall("s:g/s:rect", NS)
    widths = [float(r.get("width")) for r in rects]
    assert widths[0] > 0 and widths[2] == 0
    assert widths[1] == pytest.approx(widths[0] / 2, abs=0.1)
    assert widths[3] == pytest.approx(widths[0] / 4, abs=0.1)
    ys = [float(r.get("y")) for r in rects]
    assert ys == sorted(ys)  # top to bottom as given


def test_labels_are_escaped_and_long_ones_shortened_with_the_full_text_kept():
    hostile = '<script>alert(1)</script> & "Sở Tài nguyên và Môi trường tỉnh"'
    chart = charts.bars("g", "t <b>", [(hostile, 1)])
    root = parse(chart)  # still well-formed XML
    assert root.find(".//s:script", NS) is None and root.find(".//s:b", NS) is None
    assert root.find("s:g/s:title", NS).text == f"{hostile}: 1"
    shown = root.findall("s:g/s:text", NS)[0].text
    assert shown.endswith("…") and len(shown) == charts.LABEL_CHARS


def test_no_data_says_so_instead_of_drawing_nothing():
    chart = charts.bars("g", "t", [], empty="Không có dữ liệu")
    texts = [t.text for t in parse(chart).iter(f"{{{NS['s']}}}text")]
    assert texts == ["Không có dữ liệu"]
    line = charts.lines("l", "t", [], [("s", [])], empty="Không có dữ liệu")
    assert "Không có dữ liệu" in line.svg


def _points(chart):
    return [
        (float(c.get("cx")), float(c.get("cy")))
        for c in parse(chart).iter(f"{{{NS['s']}}}circle")
    ]


def test_a_line_rises_with_its_values_and_keeps_time_order():
    labels = ["2026-01", "2026-02", "2026-03"]
    chart = charts.lines("l", "Theo tháng", labels, [("Hồ sơ", [4, 8, 2])])
    points = _points(chart)
    assert [x for x, _ in points] == sorted(x for x, _ in points)
    ys = [y for _, y in points]
    assert ys[1] < ys[0] < ys[2]  # SVG y grows downwards
    polyline = parse(chart).find(".//s:polyline", NS)
    assert len(polyline.get("points").split()) == 3
    assert "2026-02: 8" in chart.desc


def test_several_series_share_the_axis_and_get_a_legend():
    labels = ["01/03", "02/03"]
    chart = charts.lines(
        "l",
        "Sắp đến hạn và quá hạn",
        labels,
        [("Sắp đến hạn", [1, 3]), ("Quá hạn", [3, 0])],
    )
    points = _points(chart)
    assert len(points) == 4
    assert points[1][1] == points[2][1]  # the same value at the same height
    legend = [t.text for t in parse(chart).findall("s:text", NS)]
    assert "Sắp đến hạn" in legend and "Quá hạn" in legend
    assert "Sắp đến hạn: 01/03: 1; 02/03: 3" in chart.desc
    assert "Quá hạn: 01/03: 3; 02/03: 0" in chart.desc


def test_a_single_series_has_no_legend_and_many_dates_are_thinned():
    labels = [f"d{i}" for i in range(40)]
    chart = charts.lines("l", "t", labels, [("only", list(range(40)))])
    texts = [t.text for t in parse(chart).findall("s:text", NS)]
    assert "only" not in texts
    assert 0 < sum(1 for t in texts if t.startswith("d")) <= 8


@pytest.mark.parametrize(
    "peak, top", [(0, 1), (1, 1), (3, 5), (7, 10), (12, 20), (48, 50), (51, 100)]
)
def test_the_axis_top_is_a_round_number_above_the_peak(peak, top):
    assert charts.nice_top(peak) == top
