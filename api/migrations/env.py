"""Alembic environment: the server hands over its connection (``config.attributes["connection"]``);
the ``alembic`` command line connects to ``DATABASE_URL`` or ``HALLMARK_DB`` itself."""

from __future__ import annotations

import os

from alembic import context

from api.settings import database_url_from
from api.store import METADATA, make_engine

config = context.config


def run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=METADATA,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(url=database_url_from(os.environ), target_metadata=METADATA, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    given = config.attributes.get("connection")
    if given is not None:
        run(given)
    else:
        engine = make_engine(database_url_from(os.environ))
        with engine.begin() as conn:
            run(conn)
        engine.dispose()
