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
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations()
