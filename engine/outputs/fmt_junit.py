"""``--format junit``: JUnit XML, as CI servers read it (Jenkins, GitLab, GitHub test reporters).

One ``<testsuite>`` per center (``name`` = center id), one ``<testcase>`` per clause
(``classname`` = center id, ``name`` = clause id + title). Statuses map to:

=============== =====================================================================
pass            an empty testcase
fail            ``<failure message=… type=severity>`` — message, gap, remediation,
                source document and quote, file:line:column
error           ``<error message=… type="evaluation_error">``
not_applicable  ``<skipped message="not applicable: …"/>``
not_declared    ``<skipped message="not declared: …"/>`` — it does not fail the build;
                ``hallmark check --strict`` decides that through the exit code
waived          ``<skipped message="waived until YYYY-MM-DD: …"/>``
=============== =====================================================================

The document validates against both the Jenkins xunit-plugin ``junit-10.xsd`` and the
stricter Apache Ant schema (windyroad ``JUnit.xsd``): each suite carries ``package``,
``id``, ``timestamp`` (no zone), ``hostname``, ``properties``, ``system-out`` and
``system-err``; each testcase holds at most one child; the root ``<testsuites>`` has no
attributes (the Ant schema allows none). ``time`` is 0: the report
carries no durations, and the output must not read the clock.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from engine.report import STATUS_TEXT, CenterReport, Report, Result, Status

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    """XML 1.0 forbids most control characters, even escaped."""
    return _XML_INVALID.sub("\ufffd", text)


def _details(r: Result) -> str:
    lines = [r.message.zh]
    if r.gap:
        lines.append(f"差距：{r.gap.zh}")
    if r.remediation:
        lines.append(f"整改：{r.remediation.zh}")
    src = r.source
    lines.append(f"依据：{src.document} {src.section}：“{src.quote}”".replace(" ：", "："))
    if r.location:
        lines.append(f"位置：{r.location}")
    sev = f"严重程度：{r.severity.value}"
    if r.next_severity:
        sev += f"（自 {r.next_severity['date']} 起为 {r.next_severity['severity']}）"
    lines.append(sev)
    return "\n".join(lines)


def _testcase(parent: ET.Element, c: CenterReport, r: Result) -> None:
    case = ET.SubElement(parent, "testcase", name=_clean(f"{r.clause} {r.title.zh}"), classname=c.id, time="0")
    if r.status == Status.FAIL:
        el = ET.SubElement(case, "failure", message=_clean(r.message.zh), type=r.severity.value)
        el.text = _clean(_details(r))
    elif r.status == Status.ERROR:
        el = ET.SubElement(case, "error", message=_clean(r.message.zh), type="evaluation_error")
        el.text = _clean(_details(r))
    elif r.status == Status.NOT_APPLICABLE:
        ET.SubElement(case, "skipped", message=_clean(f"not applicable: {r.message.zh}"))
    elif r.status == Status.NOT_DECLARED:
        ET.SubElement(case, "skipped", message=_clean(f"not declared: {r.message.zh}"))
    elif r.status == Status.WAIVED:
        w = r.waiver or {}
        text = f"waived until {w.get('expires', '?')}: {w.get('justification', '')}"
        text += f" (approved by {w.get('approved_by', '')})"
        ET.SubElement(case, "skipped", message=_clean(text))


def _suite(root: ET.Element, index: int, c: CenterReport, report: Report) -> None:
    counts = c.counts()
    failures, errors = counts[Status.FAIL.value], counts[Status.ERROR.value]
    skipped = sum(counts[s.value] for s in (Status.NOT_APPLICABLE, Status.NOT_DECLARED, Status.WAIVED))
    suite = ET.SubElement(
        root,
        "testsuite",
        name=c.id,
        package=str(report.standard.get("id", "hallmark")),
        id=str(index),
        timestamp=report.generated_at.strftime("%Y-%m-%dT%H:%M:%S"),
        hostname="localhost",
        tests=str(len(c.results)),
        failures=str(failures),
        errors=str(errors),
        skipped=str(skipped),
        time="0",
    )
    props = ET.SubElement(suite, "properties")
    for name, value in (
        ("center.name", c.name),
        ("center.tier", c.tier),
        ("center.file", c.file),
        ("center.sha256", c.sha256),
        ("standard", f"{report.standard.get('id', '')} {report.standard.get('version', '')}"),
        ("standard.sha256", str(report.standard.get("sha256", ""))),
        ("as_of", report.as_of.isoformat()),
        ("compliant", "true" if c.compliant else "false"),
    ):
        ET.SubElement(props, "property", name=name, value=_clean(value))
    for r in c.results:
        _testcase(suite, c, r)
    out = ET.SubElement(suite, "system-out")
    summary = "，".join(f"{STATUS_TEXT[s].zh} {n}" for s, n in ((Status(k), v) for k, v in counts.items()))
    out.text = _clean(f"{c.name}（{c.id}）：{'合规' if c.compliant else '不合规'}；{summary}")
    ET.SubElement(suite, "system-err").text = ""


class JunitOutput:
    name = "junit"
    media_type = "application/xml"
    suffix = "xml"

    def render(self, report: Report) -> str:
        root = ET.Element("testsuites")  # no attributes: the Ant schema allows none (totals are per suite)
        for index, c in enumerate(report.centers):
            _suite(root, index, c, report)
        ET.indent(root, space="  ")
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
