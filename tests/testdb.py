"""Names tests import directly (not fixtures): the test PostgreSQL URL, the fixed today,
and a reset of a PostgreSQL test database to an empty schema."""

from __future__ import annotations

import os
from datetime import date

PG_URL = os.environ.get("JAGTUI_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TODAY = date(2026, 11, 22)


def reset_pg(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
