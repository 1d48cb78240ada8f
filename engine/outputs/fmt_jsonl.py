"""``--format jsonl``: the ``hallmark/v1`` report as JSON Lines, for streaming a large run.

Line 1 is the report without ``centers`` (``report``, ``generated_at``, ``as_of``, ``standard``,
``engine``); then one line per center, each exactly the object ``--format json`` puts in
``centers``. The CLI writes it as centers finish (engine/pipeline.py), in input order: files as a
folder walk sorts them, centers in file order. ``render`` (a ``Report`` in memory, the API) lists
them in the report's order, by id.
"""

from __future__ import annotations

import json

from engine.report import Report


class JsonlOutput:
    name = "jsonl"
    media_type = "application/jsonl"
    suffix = "jsonl"

    def render(self, report: Report) -> str:
        lines = [report.header_json(), *(c.to_json() for c in report.centers)]
        return "".join(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n" for line in lines)
