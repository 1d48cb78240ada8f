"""Wire types of the API (pydantic 2), kept apart from the engine's model.

The report itself (``hallmark/v1``) is not repeated here: it is the engine's JSON,
documented in ``shared/spec/interfaces.md`` and ``docs/api.md``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ID_PATTERN = r"^[A-Za-z0-9_.-]{1,200}$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"

Role = Literal["submitter", "reviewer", "drafter", "admin"]
CheckStatus = Literal["received", "rejected", "compliant", "non_compliant", "error"]
Verdict = Literal["compliant", "non_compliant", "error"]


class CenterVerdict(BaseModel):
    id: str
    name: str
    tier: str
    verdict: Verdict
    summary: dict[str, Any]


class StandardRef(BaseModel):
    id: str
    version: str | None = None
    sha256: str | None = None


class DocumentInfo(BaseModel):
    content_type: str
    filename: str
    sha256: str
    size: int


class CheckSummary(BaseModel):
    id: int
    status: CheckStatus = Field(description="received (being judged), rejected (invalid input), or the worst verdict")
    received_at: str
    completed_at: str | None = None
    submitter: str | None = Field(None, description="id of the API key that submitted it")
    document: DocumentInfo
    standard: StandardRef
    as_of: str | None = None
    fail_on: str
    failed: bool | None = Field(None, description="findings at or above fail_on (the CLI's exit code 1)")
    engine: dict[str, Any]
    centers: list[CenterVerdict] = Field(default_factory=list)
    links: dict[str, str]


class CheckDetail(CheckSummary):
    errors: list[dict[str, Any]] | None = Field(None, description="input problems of a rejected submission")
    report: dict[str, Any] | None = Field(None, description="the hallmark/v1 report (as POST /v1/checks answered)")


class CheckList(BaseModel):
    items: list[CheckSummary]
    total: int
    limit: int
    offset: int
    next: str | None = None


class HistoryEntry(BaseModel):
    check_id: int
    received_at: str
    submitter: str | None = None
    standard: StandardRef
    as_of: str
    verdict: Verdict
    summary: dict[str, Any]
    previous_check_id: int | None = Field(None, description="the previous check of this center under the same standard")
    changes: list[dict[str, Any]] = Field(
        default_factory=list, description="clauses whose status differs from that previous check: {clause, from, to}"
    )


class History(BaseModel):
    center: dict[str, Any]
    entries: list[HistoryEntry]
    total: int
    limit: int
    offset: int


class ImpactRequest(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")
    from_: str = Field(alias="from", pattern=ID_PATTERN, examples=["sjz-current"])
    to: str = Field(pattern=ID_PATTERN, examples=["sjz-proposed"])
    as_of: str | None = Field(None, pattern=DATE_PATTERN, examples=["2019-01-01"])
    centers: list[Annotated[str, Field(pattern=ID_PATTERN)]] | None = Field(
        None, max_length=10000, description="center ids (default: every stored center)", examples=[["130105-county"]]
    )


class KeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Role
    name: str = Field("", max_length=200)


class KeyInfo(BaseModel):
    id: str
    name: str
    role: Role
    created_at: str | None
    created_by: str | None = None
    revoked_at: str | None = None


class KeyCreated(KeyInfo):
    key: str = Field(description="the API key itself: shown this once, stored only as its sha256")


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    version: str
    rules_engine: str
    database: dict[str, Any]
    pool: dict[str, Any]
    standards: list[str]
    formats: list[str]
