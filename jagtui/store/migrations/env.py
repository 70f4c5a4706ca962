"""Alembic environment: migrations run on the engine jagtui hands over."""

from alembic import context
from sqlmodel import SQLModel

import jagtui.store.models  # noqa: F401  (registers the tables)
import jagtui.store.referral_tables  # noqa: F401
import jagtui.store.case_review_tables  # noqa: F401
import jagtui.store.partner_tables  # noqa: F401
import jagtui.store.follow_tables  # noqa: F401

target_metadata = SQLModel.metadata


def run_migrations() -> None:
    engine = context.config.attributes["engine"]
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        raw = connection.connection.dbapi_connection
        if sqlite:
            # Batch mode rebuilds a table on SQLite (create, copy, DROP, rename). With
            # foreign keys on, that DROP deletes every row referring to the table by ON
            # DELETE CASCADE (a plan's objectives and actions went with its priorities):
            # off while the schema changes, every reference checked before the commit.
            raw.execute("PRAGMA foreign_keys = OFF")
        try:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=sqlite,
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"The upgrade would leave {len(broken)} broken references "
                                       f"(first: {tuple(broken[0])}): nothing was changed")
            connection.commit()
        finally:
            if sqlite:
                connection.rollback()  # nothing, after a commit; the lot, after a failure
                raw.execute("PRAGMA foreign_keys = ON")


run_migrations()
