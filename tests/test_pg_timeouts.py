"""A PostgreSQL server that accepts and never answers is one clear line and exit 2,
within the configured connect timeout (before: `jagtui users list` silent after 45 s)."""

from __future__ import annotations

import socket
import time

import pytest

from jagtui.cli import main
from jagtui.store.db import open_store
from jagtui.store.errors import Busy, StoreError


@pytest.fixture
def silent_server():
    """A port that completes the TCP handshake (the kernel's backlog) and then says nothing."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    yield f"postgresql+psycopg://jagtui@127.0.0.1:{listener.getsockname()[1]}/jagtui"
    listener.close()


def test_the_default_connect_timeout_is_five_seconds(cfg):
    assert cfg.database.connect_timeout_s == 5
    assert cfg.database.statement_timeout_ms > 0


@pytest.mark.parametrize("argv", [["users", "list"], ["db", "status"]])
def test_a_silent_server_is_one_line_and_exit_2(silent_server, tmp_path, capsys, argv):
    config = tmp_path / "config.toml"
    config.write_text("[database]\nconnect_timeout_s = 2\n")
    started = time.monotonic()
    assert main([*argv, "--db", silent_server, "--config", str(config)]) == 2
    took = time.monotonic() - started
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1, err
    assert "did not answer within 2 s" in err and "127.0.0.1" in err
    assert took < 8, took


def test_a_statement_past_the_timeout_is_busy_not_a_crash(pg_database):
    from jagtui.store.db import create_store

    create_store(pg_database, "setup").dispose()
    store = open_store(pg_database, "tester", statement_timeout_ms=300)
    try:
        with pytest.raises(Busy, match="took too long"), store.write() as session:
            session.connection().exec_driver_sql("SELECT pg_sleep(2)")
        with store.read() as session:  # the store is still usable
            assert session.connection().exec_driver_sql("SELECT 1").scalar() == 1
    finally:
        store.dispose()
    assert issubclass(Busy, StoreError)
