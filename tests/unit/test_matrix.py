"""``hallmark matrix``: the city-wide view, its figures checked against the bundled data and the source paper.

The paper (石家庄市编办《关于加快全市政务服务中心规范化建设的思考和建议》) on the four core
districts: “新华区入住部门17个，共办理事项129项；桥西区入住部门6个，办理各类事项32项；裕华区入住部门7个，
共办理各类事项36项；长安区入住部门11个，共办理各类事项58项” — resident departments from 6 to 17,
matters from 32 to 129.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import statistics
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.center import load_centers
from engine.check import Options, check
from engine.matrix import (
    DEPARTMENT_CLAUSE,
    HALL_CLAUSE,
    MATTER_CLAUSE,
    Matrix,
    Spread,
    build,
    matrix,
    render_csv,
    render_html,
    render_text,
)
from engine.report import Status
from engine.standard import load_standard
from hallmark.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "shijiazhuang"
AS_OF = dt.date(2019, 1, 1)
PAPER = {  # center id → (resident departments, matters in the center), from the source paper
    "130105-county": (17, 129),  # 新华区
    "130104-county": (6, 32),  # 桥西区
    "130108-county": (7, 36),  # 裕华区
    "130102-county": (11, 58),  # 长安区
}
PAPER_FILES = [str(EXAMPLES / "county" / f"{cid}.yaml") for cid in PAPER]


@pytest.fixture(scope="module")
def city() -> Matrix:
    return matrix([str(EXAMPLES)], "sjz-proposed", AS_OF, jobs=0)


@pytest.fixture(scope="module")
def districts() -> Matrix:
    return matrix(PAPER_FILES, "sjz-proposed", AS_OF, jobs=0)


def raw_centers() -> dict[str, dict[str, Any]]:
    """The bundled declarations, read with plain PyYAML (not hallmark's loader)."""
    out = {}
    for path in sorted(EXAMPLES.rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out[data["center"]["id"]] = data["center"]
    return out


# ---------------------------------------------------------------- the paper's picture


@pytest.mark.parametrize(("center", "figures"), PAPER.items())
def test_paper_districts_figures(city: Matrix, center: str, figures: tuple[int, int]) -> None:
    row = city.row(center)
    assert (row.resident_departments, row.matters_in_center) == figures


def test_paper_picture_departments_6_to_17_matters_32_to_129(districts: Matrix) -> None:
    county = districts.tier("county")
    assert (county.departments.min, county.departments.max) == (6, 17)
    assert (county.matters.min, county.matters.max) == (32, 129)
    assert county.departments.min_center == county.matters.min_center == "130104-county"  # 桥西区
    assert county.departments.max_center == county.matters.max_center == "130105-county"  # 新华区
    assert (county.departments.median, county.matters.median) == (9.0, 47.0)


def test_paper_picture_in_every_rendering(districts: Matrix) -> None:
    text = render_text(districts)
    assert "入驻部门（resident）" in text and "      6 /       9 /      17" in text
    assert "     32 /      47 /     129" in text
    page = ids(render_html(districts))
    assert (page["county-departments-min"], page["county-departments-max"]) == ("6", "17")
    assert (page["county-matters-min"], page["county-matters-max"]) == ("32", "129")
    rows = list(csv.DictReader(io.StringIO(render_csv(districts).lstrip("\ufeff"))))
    assert {r["center_id"]: (int(r["resident_departments"]), int(r["matters_in_center"])) for r in rows} == PAPER


def test_whole_county_tier_is_wider_than_the_paper_sample(city: Matrix) -> None:
    """The bundled data adds illustrative counties (model 正定县, 辛集市 …): the spread contains the paper's."""
    county = city.tier("county")
    assert len(county.centers) == 22
    assert county.departments.min == 6 and county.departments.min_center == "130104-county"
    dep_max, mat_min, mat_max = county.departments.max, county.matters.min, county.matters.max
    assert dep_max is not None and mat_min is not None and mat_max is not None
    assert dep_max >= 17 and mat_min <= 32 and mat_max >= 129


# ---------------------------------------------------------------- figures against the data


def test_every_center_figure_matches_the_yaml(city: Matrix) -> None:
    raw = raw_centers()
    assert {r.id for r in city.centers} == set(raw)
    for row in city.centers:
        c = raw[row.id]
        deps = c.get("departments")
        mats = c.get("matters")
        assert row.hall_area == (c.get("hall") or {}).get("area_m2"), row.id
        assert row.resident_departments == (
            None if deps is None else len({d["id"] for d in deps if d.get("resident") is True})
        ), row.id
        assert row.matters_in_center == (
            None if mats is None else len({m["id"] for m in mats if m.get("in_center") is True})
        ), row.id
        assert row.rank == (c.get("organization") or {}).get("rank"), row.id
        assert row.nature == (c.get("organization") or {}).get("nature"), row.id


def test_spreads_ranks_natures_and_shares_match_the_data(city: Matrix) -> None:
    raw = raw_centers()
    for tier in city.tiers:
        members = [raw[r.id] for r in tier.centers]
        areas = [c["hall"]["area_m2"] for c in members if "area_m2" in (c.get("hall") or {})]
        assert (tier.hall_area.min, tier.hall_area.max) == (min(areas), max(areas))
        assert tier.hall_area.median == statistics.median(areas)
        ranks: dict[str, int] = {}
        for c in members:
            key = (c.get("organization") or {}).get("rank") or ""
            ranks[key] = ranks.get(key, 0) + 1
        assert dict(tier.ranks) == ranks
        for share in tier.shares:
            states = [r.statuses[share.clause] for r in tier.centers]
            assert share.met == states.count(Status.PASS)
            assert share.applicable == len(states) - states.count(Status.NOT_APPLICABLE)
    county = city.tier("county")
    assert dict(county.ranks) == {"deputy_section": 18, "full_section": 4}
    assert dict(county.natures) == {"public_institution": 19, "administrative_organ": 3}


def test_remediation_totals_are_the_sums_of_the_results(city: Matrix) -> None:
    report = check([str(EXAMPLES)], "sjz-proposed", None, Options(as_of=AS_OF, jobs=0))
    hall = departments = matters = 0.0
    for c in report.centers:
        for r in c.results:
            if r.status not in (Status.FAIL, Status.WAIVED):
                continue
            if r.clause == HALL_CLAUSE:
                hall += r.expected - r.actual
            elif r.clause == DEPARTMENT_CLAUSE:
                departments += len(r.actual)
            elif r.clause == MATTER_CLAUSE:
                matters += len(r.actual)
    assert (city.hall.amount, city.departments.amount, city.matters.amount) == (hall, departments, matters)
    assert hall > 0 and departments > 0 and matters > 0
    xinhua = city.row("130105-county")
    assert xinhua.hall_gap == 600  # 2,400 m² → 3,000 m²
    assert xinhua.departments_missing == ["水务局", "住房公积金管理中心"]
    text = render_text(city)
    assert f"大厅面积须新增：{city.hall.amount:,.0f} m²" in text
    assert f"须入驻的部门窗口：{city.departments.amount:,.0f} 个" in text
    assert f"须进驻中心的事项：{city.matters.amount:,.0f} 项" in text


def test_a_standard_without_the_clauses_says_so() -> None:
    m = matrix(PAPER_FILES, "cn-2011-22", AS_OF, jobs=0)
    assert not m.hall.present and m.hall.amount == 0
    assert "标准无 P-HAL-01" in render_text(m)


# ---------------------------------------------------------------- the model's pieces


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], Spread()),
        ([("a", 5.0)], Spread(1, 5.0, 5.0, 5.0, "a", "a")),
        ([("b", 2.0), ("a", 2.0), ("c", 9.0), ("d", 4.0)], Spread(4, 2.0, 3.0, 9.0, "a", "c")),
    ],
)
def test_spread(values: list[tuple[str, float]], expected: Spread) -> None:
    assert Spread.of(values) == expected


def test_build_tolerates_undeclared_figures() -> None:
    std = load_standard("sjz-proposed")
    centers = load_centers([str(EXAMPLES / "village")])
    report = check([str(EXAMPLES / "village")], "sjz-proposed", None, Options(as_of=AS_OF, jobs=0))
    m = build(report, centers, std.registries)
    village = m.tier("village")
    assert village.departments.n == sum(1 for r in village.centers if r.resident_departments is not None) < 14
    assert "未申报" in render_text(m)


# ---------------------------------------------------------------- renderings and the command


class Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, str] = {}
        self._stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        ident = dict(attrs).get("id") or ""
        self._stack.append(ident)
        if ident:
            self.found[ident] = ""

    def handle_endtag(self, tag: str) -> None:
        if self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        for ident in self._stack:
            if ident:
                self.found[ident] += data


def ids(page: str) -> dict[str, str]:
    parser = Ids()
    parser.feed(page)
    return parser.found


def test_html_heat_map_and_charts(city: Matrix) -> None:
    page = render_html(city)
    county = city.tier("county")
    cells = page.count('<rect x="') - page.count('<rect x=""')
    assert cells >= sum(len(t.centers) * len(t.clauses) for t in city.tiers)
    assert page.count('data-clause="P-HAL-01"') == sum(len(t.centers) for t in city.tiers)
    found = ids(page)
    assert found["sum-centers"] == "51"
    assert found["sum-hall-m2"] == f"{city.hall.amount:,.0f}"
    assert found["county-departments-min"] == "6" and found["county-departments-max"] == f"{county.departments.max:.0f}"
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "石家庄市新华区政务服务中心：17个" in page  # a bar of the department chart


def test_csv_one_row_per_center(city: Matrix) -> None:
    text = render_csv(city)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert len(rows) == 51
    xinhua = next(r for r in rows if r["center_id"] == "130105-county")
    assert (xinhua["P-HAL-01"], xinhua["hall_gap_m2"], xinhua["hall_area_m2"]) == ("fail", "600", "2400")


@pytest.mark.parametrize("fmt", ["text", "csv", "html"])
def test_cli_matrix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    monkeypatch.chdir(ROOT)
    target = tmp_path / f"matrix.{fmt}"
    argv = ["matrix", "examples/shijiazhuang", "--standard", "sjz-proposed", "--as-of", "2019-01-01"]
    code = main([*argv, "--format", fmt, "--output", str(target), "--jobs", "0"])
    assert code == 0
    assert "130105-county" in target.read_text(encoding="utf-8")


def test_cli_matrix_unknown_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["matrix", str(EXAMPLES), "--format", "junit"]) == 2
    assert "unknown_format" in capsys.readouterr().err


def test_matrix_html_in_headless_chromium(city: Matrix, tmp_path: Path) -> None:
    binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if binary is None:
        pytest.skip("chromium is not installed and could not be (`make chromium` installs Debian's chromium)")
    page = tmp_path / "matrix.html"
    page.write_text(render_html(city), encoding="utf-8")
    artifacts = ROOT / "tests" / "artifacts"
    artifacts.mkdir(exist_ok=True)
    shot = artifacts / "matrix-html.png"
    shot.unlink(missing_ok=True)
    base = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars"]
    base += [f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,2400"]
    dom = subprocess.run([*base, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=180)
    assert dom.returncode == 0, dom.stderr[-2000:]
    found = ids(dom.stdout)
    assert found["county-departments-min"] == "6" and found["sum-centers"] == "51"
    done = subprocess.run([*base, f"--screenshot={shot}", page.as_uri()], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
