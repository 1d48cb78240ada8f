"""Initial schema: API keys, submissions (document, parsed form, report), per-center verdicts, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(32), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitter_key_id", sa.String(32), sa.ForeignKey("api_keys.id"), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("body_sha256", sa.String(64), nullable=False),
        sa.Column("body_size", sa.Integer, nullable=False),
        sa.Column("standard_id", sa.String(200), nullable=False),
        sa.Column("standard_version", sa.String(50), nullable=True),
        sa.Column("standard_sha256", sa.String(64), nullable=True),
        sa.Column("standard_receipt", sa.JSON, nullable=True),
        sa.Column("as_of", sa.String(32), nullable=True),
        sa.Column("fail_on", sa.String(10), nullable=False),
        sa.Column("failed", sa.Boolean, nullable=True),
        sa.Column("engine_version", sa.String(50), nullable=False),
        sa.Column("rules_engine", sa.String(100), nullable=True),
        sa.Column("parsed", sa.JSON, nullable=True),
        sa.Column("report", sa.JSON, nullable=True),
        sa.Column("errors", sa.JSON, nullable=True),
        sa.Column("center_count", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("ix_submissions_submitter", "submissions", ["submitter_key_id", "id"])
    op.create_index("ix_submissions_standard", "submissions", ["standard_id", "id"])
    op.create_index("ix_submissions_status", "submissions", ["status", "id"])
    op.create_table(
        "submission_centers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("center_id", sa.String(200), nullable=False),
        sa.Column("center_name", sa.String(500), nullable=False),
        sa.Column("tier", sa.String(20), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("summary", sa.JSON, nullable=False),
        sa.Column("clause_statuses", sa.JSON, nullable=False),
        sa.Column("standard_id", sa.String(200), nullable=False),
        sa.Column("standard_version", sa.String(50), nullable=False),
        sa.Column("standard_sha256", sa.String(64), nullable=False),
        sa.Column("as_of", sa.String(32), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitter_key_id", sa.String(32), nullable=True),
    )
    op.create_index("ix_submission_centers_center", "submission_centers", ["center_id", "submission_id"])
    op.create_index("ix_submission_centers_submission", "submission_centers", ["submission_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=True),
        sa.Column("role", sa.String(20), nullable=True),
        sa.Column("method", sa.String(10), nullable=False),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.Column("status_code", sa.Integer, nullable=False),
        sa.Column("client", sa.String(100), nullable=True),
        sa.Column("submission_id", sa.Integer, nullable=True),
        sa.Column("detail", sa.JSON, nullable=True),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("submission_centers")
    op.drop_table("submissions")
    op.drop_table("api_keys")
