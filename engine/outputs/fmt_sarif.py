"""``--format sarif``: SARIF 2.1.0, so code-scanning tools annotate the exact line of a center file.

- ``tool.driver.rules``: one rule per clause (``id`` = clause id; ``shortDescription`` the
  Chinese title; ``fullDescription`` the clause text; ``help`` the text with its source
  quote; ``properties`` {source, strength, tiers, section}).
- ``results``: one per (center, clause), ``ruleId`` = clause id. ``kind``: pass → ``pass``,
  fail and waived → ``fail``, not_applicable → ``notApplicable``, not_declared → ``open``,
  error → ``review`` (and a tool execution notification). Any kind other than ``fail``
  takes ``level: none``; a fail takes the severity (error → ``error``, warning →
  ``warning``, info → ``note``). A waived result keeps ``kind: fail`` and carries a
  ``suppressions: [{kind: external, justification}]``.
- ``locations[].physicalLocation``: the center file (``artifactLocation.uri``) and
  ``region {startLine, startColumn}`` of the offending value, when known.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from engine.errors import Location
from engine.report import Report, Result, Severity, Status
from engine.standard import STRENGTH_SEVERITY

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://hallmark.example/docs/outputs"  # placeholder until the project has a public home

KIND = {
    Status.PASS: "pass",
    Status.FAIL: "fail",
    Status.WAIVED: "fail",
    Status.NOT_APPLICABLE: "notApplicable",
    Status.NOT_DECLARED: "open",
    Status.ERROR: "review",
}
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def file_uri(path: str) -> str:
    """A file name as a URI reference: relative stays relative, absolute becomes ``file://``."""
    posix = path.replace("\\", "/")
    encoded = quote(posix, safe="/:-._~")
    return f"file://{encoded}" if posix.startswith("/") else encoded


def _location(loc: Location | None, fallback: str) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": file_uri(loc.file if loc else fallback)}}
    if loc and loc.line:
        physical["region"] = {"startLine": loc.line, "startColumn": max(1, loc.column)}
    return {"physicalLocation": physical}


def _rule(r: Result) -> dict[str, Any]:
    text = r.text.zh if r.text else r.title.zh
    src = r.source
    source_line = f"{src.document} {src.section}".strip() + f"：“{src.quote}”"
    return {
        "id": r.clause,
        "name": r.title.en,
        "shortDescription": {"text": r.title.zh},
        "fullDescription": {"text": text},
        "help": {
            "text": f"{text}\n依据：{source_line}",
            "markdown": f"{text}\n\n依据：{src.document} {src.section}\n\n> {src.quote}",
        },
        "defaultConfiguration": {"level": LEVEL[Severity(STRENGTH_SEVERITY.get(r.strength, r.severity.value))]},
        "properties": {
            "source": src.to_json(),
            "strength": r.strength,
            "tiers": list(r.tiers),
            "section": r.section,
            "title": r.title.to_json(),
        },
    }


def _message(r: Result) -> str:
    text = r.message.zh
    if r.gap:
        text += f"\n差距：{r.gap.zh}"
    if r.remediation and r.status != Status.PASS:
        text += f"\n整改：{r.remediation.zh}"
    return text


class SarifOutput:
    name = "sarif"
    media_type = "application/sarif+json"
    suffix = "sarif"

    def render(self, report: Report) -> str:
        rules: dict[str, dict[str, Any]] = {}
        index: dict[str, int] = {}
        results: list[dict[str, Any]] = []
        notifications: list[dict[str, Any]] = []
        artifacts: dict[str, dict[str, Any]] = {}
        for c in report.centers:
            artifacts.setdefault(
                c.file,
                {"location": {"uri": file_uri(c.file)}, "hashes": {"sha-256": c.sha256}, "roles": ["analysisTarget"]},
            )
            for r in c.results:
                if r.clause not in rules:
                    index[r.clause] = len(rules)
                    rules[r.clause] = _rule(r)
                kind = KIND[r.status]
                result: dict[str, Any] = {
                    "ruleId": r.clause,
                    "ruleIndex": index[r.clause],
                    "kind": kind,
                    "level": LEVEL[r.severity] if kind == "fail" else "none",
                    "message": {"text": _message(r)},
                    "locations": [_location(r.location, c.file)],
                    "partialFingerprints": {"centerClause/v1": f"{c.id}/{r.clause}"},
                }
                if r.status == Status.WAIVED and r.waiver:
                    w = r.waiver
                    why = f"{w.get('justification', '')}（批准：{w.get('approved_by', '')}，"
                    why += f"有效期至 {w.get('expires', '')}）"
                    result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": why}]
                result["properties"] = {
                    "center": c.id,
                    "centerName": c.name,
                    "tier": c.tier,
                    "status": r.status.value,
                    "severity": r.severity.value,
                    "expected": r.expected,
                    "actual": r.actual,
                    "gap": r.gap.zh if r.gap else None,
                    "nextSeverity": r.next_severity,
                }
                results.append(result)
                if r.status == Status.ERROR:
                    notifications.append(
                        {
                            "level": "error",
                            "message": {"text": f"{c.id} {r.clause}: {r.message.zh}"},
                            "associatedRule": {"id": r.clause, "index": index[r.clause]},
                            "locations": [_location(r.location, c.file)],
                        }
                    )
        engine = report.engine
        log = {
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "hallmark",
                            "version": str(engine.get("version", "")),
                            "informationUri": INFORMATION_URI,
                            "language": "zh-CN",
                            "rules": list(rules.values()),
                            "properties": {
                                "rulesEngine": engine.get("rules_engine"),
                                "rulesSha256": report.rules_sha256,
                            },
                        }
                    },
                    "invocations": [
                        {"executionSuccessful": not notifications, "toolExecutionNotifications": notifications}
                    ],
                    "language": "zh-CN",
                    "columnKind": "unicodeCodePoints",
                    "artifacts": list(artifacts.values()),
                    "results": results,
                    "properties": {
                        "report": "hallmark/v1",
                        "standard": report.standard,
                        "asOf": report.as_of.isoformat(),
                        "generatedAt": report.generated_at.isoformat(timespec="seconds"),
                    },
                }
            ],
        }
        return json.dumps(log, ensure_ascii=False, indent=2) + "\n"
