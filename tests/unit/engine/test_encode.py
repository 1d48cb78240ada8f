"""engine.encode: the pieces-cached encoder writes exactly the generic path's bytes (to_json + orjson/json),
for every center of the bundled examples under every standard and several dates, for waived results,
numbers the two JSON encoders write differently, and texts that contain the encoder's cut mark."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from engine.check import Options, check
from engine.encode import CenterEncoder, generic
from engine.report import CenterReport

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples" / "shijiazhuang"
DATES = [dt.date(2012, 1, 1), dt.date(2019, 1, 1), dt.date(2026, 6, 1)]


def reports(standard: str, as_of: dt.date, waivers: str | None = None) -> list[CenterReport]:
    return check([str(EXAMPLES)], standard, waivers, Options(as_of=as_of, jobs=0)).centers


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
@pytest.mark.parametrize("standard", ["cn-2011-22", "sjz-current", "sjz-proposed"])
def test_every_example_center_encodes_as_the_generic_path(fmt: str, standard: str) -> None:
    encoder = CenterEncoder(fmt)  # one encoder for all dates: its cache must not mix them up
    for as_of in DATES:
        for report in reports(standard, as_of):
            assert encoder.encode(report) == generic(report, fmt), (report.id, as_of)


def test_the_same_shape_twice_gives_the_same_bytes_and_is_rendered_once() -> None:
    centers = reports("sjz-proposed", DATES[1])
    encoder = CenterEncoder("jsonl")
    first = [encoder.encode(r) for r in centers]
    shapes = len(encoder._shapes)
    assert [encoder.encode(r) for r in centers] == first
    assert len(encoder._shapes) == shapes
    assert shapes < sum(len(r.results) for r in centers) / 2  # results do share shapes


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_waived_results_and_odd_numbers_take_the_generic_path(fmt: str, tmp_path: Path) -> None:
    center = reports("sjz-proposed", DATES[1])[0]
    failing = next(r for r in center.results if r.status == "fail")
    waiver_file = tmp_path / "waivers.yaml"
    waiver_file.write_text(
        "waivers:\n"
        f"  - center: {center.id}\n"
        f"    clause: {failing.clause}\n"
        "    justification: 场地改造中\n"
        "    approved_by: 市编办\n"
        "    expires: 2030-01-01\n",
        encoding="utf-8",
    )
    waived = next(r for r in reports("sjz-proposed", DATES[1], str(waiver_file)) if r.id == center.id)
    assert any(r.waiver for r in waived.results)
    encoder = CenterEncoder(fmt)
    assert encoder.encode(waived) == generic(waived, fmt)
    for value in (1e-05, 2**70, [1e20, "x"], {"a": 1e-07}, -(2**63) - 1):
        odd = dataclasses.replace(center, results=[dataclasses.replace(failing, actual=value), *center.results])
        got = encoder.encode(odd)
        assert got == generic(odd, fmt)
        text = got.decode() if fmt == "jsonl" else "[" + got.decode() + "]"
        assert json.loads(text) is not None


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_texts_holding_the_cut_mark_are_still_written_right(fmt: str) -> None:
    center = reports("sjz-proposed", DATES[1])[0]
    marked = dataclasses.replace(center, name="中心\x00hole\x00")
    encoder = CenterEncoder(fmt)
    assert encoder.encode(marked) == generic(marked, fmt)
    first = center.results[0]
    title = dataclasses.replace(first.title, zh="\x00hole\x00")
    odd = dataclasses.replace(center, results=[dataclasses.replace(first, title=title, shape=None)])
    assert encoder.encode(odd) == generic(odd, fmt)
