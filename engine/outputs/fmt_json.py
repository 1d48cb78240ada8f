"""``--format json``: the ``hallmark/v1`` report, also the API's body (interfaces.md)."""

from __future__ import annotations

import json

from engine.report import Report


class JsonOutput:
    name = "json"
    media_type = "application/json"
    suffix = "json"

    def render(self, report: Report) -> str:
        return json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n"
