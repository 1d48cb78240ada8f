"""The shared fixture report every format renders: one center, one clause per status, Chinese text.

(A module with a unique name, imported by ``conftest.py`` and the tests: ``from outputs_fixture import …``.)

Its values are fixed (clock, hashes, places), so each format's output is compared byte for
byte with ``golden/report.<suffix>``. To rewrite the golden files after an intended change:
``UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/unit/outputs`` — then read the diff.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from engine.errors import Location
from engine.report import CenterReport, Report, Result, Severity, Status
from engine.standard import Source
from engine.text import Text

GOLDEN = Path(__file__).parent / "golden"
FILE = "centers/xinhua.yaml"
PAPER = "《关于加快全市政务服务中心规范化建设的思考和建议》"
UNIFY = "从机构设置、职能定位、大厅面积、入住部门及事项等统一明确"


def _result(clause: str, status: Status, severity: Severity, **kw: object) -> Result:
    values: dict[str, object] = {
        "clause": clause,
        "section": "hall",
        "status": status,
        "severity": severity,
        "title": Text(clause, clause),
        "expected": None,
        "actual": None,
        "message": Text("", ""),
        "remediation": None,
        "source": Source(PAPER, "二、(一)", UNIFY, "seed"),
        "location": Location(FILE, 4, 3),
        "strength": "应",
        "tiers": ("city", "county"),
    }
    values.update(kw)
    return Result(**values)  # type: ignore[arg-type]


def fixture_report() -> Report:
    results = [
        _result(
            "P-ORG-02",
            Status.PASS,
            Severity.ERROR,
            section="organization",
            title=Text("机构规格市级正处、县级正科", "Rank is full division (city) or full section (county)"),
            text=Text(
                "市级政务服务中心应为正处级，县级政务服务中心应为正科级。", "City: full division; county: section."
            ),
            expected="full_section",
            actual="full_section",
            message=Text("符合：机构规格市级正处、县级正科", "complies: rank"),
            source=Source("中办发〔2011〕22号", "一、(二)", "市级配备正处级,县级配备正科级", "seed"),
            location=Location(FILE, 9, 11),
        ),
        _result(
            "P-ORG-03",
            Status.NOT_APPLICABLE,
            Severity.WARNING,
            section="organization",
            title=Text("乡镇便民服务中心设立并核定编制", "Township center exists with approved posts"),
            message=Text("本条款适用于 township 层级", "applies to tiers: township"),
            strength="宜",
            tiers=("township",),
        ),
        _result(
            "P-FUN-01",
            Status.NOT_DECLARED,
            Severity.ERROR,
            section="functions",
            title=Text("统一职能定位", "Unified functions"),
            expected=["coordination", "supervision", "guidance"],
            message=Text("未申报 organization.functions", "organization.functions is not declared"),
            remediation=Text("在申报中补充 organization.functions", "declare organization.functions"),
        ),
        _result(
            "P-HAL-01",
            Status.FAIL,
            Severity.WARNING,
            title=Text("大厅面积达到本层级下限", "Hall area meets the tier minimum"),
            text=Text("政务服务大厅面积应不低于本层级下限。", "The hall area shall not be below the tier minimum."),
            expected=3000,
            actual=2400,
            message=Text("大厅面积 2400 m²，低于本层级下限 3000 m²", "hall area 2400 m² is below 3000 m²"),
            remediation=Text("扩建或迁址，使大厅面积达到 3000 m²（尚差 600 m²）", "enlarge the hall to 3000 m²"),
            gap=Text("大厅面积 2,400 m² → 至少 3,000 m²：+600 m²", "hall area 2,400 m² → at least 3,000 m²: +600 m²"),
            next_severity={"date": "2019-01-01", "severity": "error"},
            location=Location(FILE, 19, 14),
            tiers=("city", "county", "township", "village"),
        ),
        _result(
            "P-DEP-01",
            Status.WAIVED,
            Severity.ERROR,
            section="departments",
            title=Text("必进部门全部入驻", "Every mandatory department is resident"),
            expected=["development_reform", "environmental_protection", "water"],
            actual=["environmental_protection", "water"],
            message=Text(
                "未入驻的必进部门：环境保护局、水务局（已豁免至 2018-12-31：新址大厅 <2018> & 扩建，批准：市编办）",
                "mandatory departments not resident: environmental_protection, water (waived until 2018-12-31)",
            ),
            remediation=Text("组织 环境保护局、水务局 入驻政务服务中心", "bring environmental_protection, water in"),
            gap=Text("缺少入驻部门（2）：环境保护局、水务局", "missing resident departments (2): 环境保护局, 水务局"),
            waiver={
                "justification": "新址大厅 <2018> & 扩建",
                "approved_by": "市编办",
                "expires": "2018-12-31",
                "expired": False,
                "location": {"file": "waivers.yaml", "line": 2, "column": 5},
            },
            location=Location(FILE, 23, 5),
        ),
        _result(
            "N-TIM-01",
            Status.ERROR,
            Severity.ERROR,
            section="time_limits",
            title=Text("承诺时限不超过法定时限", "Promised time limit within the legal limit"),
            expected="promised_days ≤ legal_days",
            message=Text("规则引擎未给出确定结论：timeout", "the rules engine gave no definite verdict: timeout"),
            remediation=Text("请将此报告转交 hallmark 维护者", "report this to the hallmark maintainers"),
            source=Source(PAPER, "一、", "直接制约了各级政府行政效能的提升", "seed"),
        ),
    ]
    center = CenterReport("130105-county", "石家庄市新华区政务服务中心", "county", FILE, "c" * 64, results)
    return Report(
        generated_at=dt.datetime(2026, 11, 25, 10, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        as_of=dt.date(2017, 6, 1),
        standard={"id": "sjz-proposed", "version": "1.0.0", "sha256": "a" * 64, "extends": ["cn-2011-22"]},
        engine={"name": "hallmark", "version": "0.1.0", "rules_engine": "durable_rules 2.0.28"},
        centers=[center],
        rules_sha256="b" * 64,
    )


def golden(suffix: str, produced: str | bytes) -> str | bytes:
    """The golden file's content; with UPDATE_GOLDEN=1, (re)write it from ``produced`` first."""
    path = GOLDEN / f"report.{suffix}"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        path.write_bytes(produced if isinstance(produced, bytes) else produced.encode("utf-8"))
    data = path.read_bytes()
    return data if isinstance(produced, bytes) else data.decode("utf-8")
