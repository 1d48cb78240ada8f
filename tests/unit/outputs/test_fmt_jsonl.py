"""``--format jsonl``: a header line, then one line per center, each the object ``--format json`` lists."""

from __future__ import annotations

import json

from outputs_fixture import golden

from engine import outputs
from engine.report import Report


def test_matches_golden(report: Report) -> None:
    out = outputs.get("jsonl").render(report)
    assert out == golden("jsonl", out)


def test_lines_are_the_json_report_cut_at_its_centers(report: Report) -> None:
    lines = [json.loads(line) for line in outputs.get("jsonl").render(report).splitlines()]
    whole = json.loads(outputs.get("json").render(report))
    head, *centers = lines
    assert head == {k: v for k, v in whole.items() if k != "centers"}
    assert head["report"] == "hallmark/v1"
    assert centers == whole["centers"]
