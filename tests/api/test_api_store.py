"""Storage: Alembic migrations create exactly the schema the code uses, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from api.settings import Settings, normalise_url
from api.store import METADATA, Store


def test_migrations_upgrade_head_and_match_the_code(db_url: str) -> None:
    store = Store(db_url)
    try:
        assert store.revision() is None
        store.migrate()
        store.migrate()  # idempotent: a restarted server upgrades nothing
        assert store.revision() == "0001"
        with store.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), METADATA)
        assert diff == []
    finally:
        store.dispose()


def test_a_document_is_kept_byte_for_byte_with_nul_and_odd_text(db_url: str) -> None:
    store = Store(db_url)
    try:
        store.migrate()
        key_id, _ = store.create_key("submitter", "名字\x00带空字符")
        body = b"\xef\xbb\xbfcenter:\x00\xff\n"
        cid = store.new_submission(
            body=body,
            content_type="application/yaml",
            filename="a\x00.yaml",
            standard_id="sjz-proposed",
            as_of=None,
            fail_on="error",
            engine_version="0",
            submitter_key_id=key_id,
        )
        store.reject(cid, [{"code": "x", "message": {"zh": "空\x00字符", "en": "nul \x00"}}], parsed={"k": "v\x00"})
        row = store.get_submission(cid)
        assert row is not None and bytes(row["body"]) == body
        assert row["status"] == "rejected" and row["errors"][0]["message"]["en"] == "nul \x00"
        assert row["parsed"] == {"k": "v\x00"}
    finally:
        store.dispose()


def test_database_url_selection() -> None:
    assert Settings.from_env({"DATABASE_URL": "postgresql://u:p@h/db"}).database_url == "postgresql+psycopg://u:p@h/db"
    assert normalise_url("postgres://h/db") == "postgresql+psycopg://h/db"
    s = Settings.from_env({"HALLMARK_DB": "/tmp/x.sqlite"})
    assert s.database_url == "sqlite:////tmp/x.sqlite" and s.max_body_bytes == 5 * 1024 * 1024
    assert Settings.from_env({"DATABASE_URL": "postgresql://u:secret@h/db"}).redacted_url() == (
        "postgresql+psycopg://u:***@h/db"
    )
    assert Settings.from_env({"HALLMARK_MAX_BODY": "1024"}).max_body_bytes == 1024
