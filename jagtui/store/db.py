"""Engine, sessions and schema checks.

SQLite is the default: WAL, foreign keys, ``synchronous=FULL`` and a busy
timeout on every pooled connection, and ``BEGIN IMMEDIATE`` for write
transactions so two writers queue instead of failing half-way. PostgreSQL works
from the same code given a ``postgresql+psycopg://`` URL.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from jagtui.files import database_file_mode
from jagtui.store import hooks
# The tables kept outside models.py: imported so the schema is whole wherever the store is.
from jagtui.store import follow_tables, partner_tables, referral_tables  # noqa: F401
from jagtui.store.errors import Busy, Invalid, StoreError
from jagtui.store.records import stale_conflict
from jagtui.store.text_search import SQLITE_LOWER, python_lower

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest migration, so start-up can check the schema without importing Alembic;
# tests/test_store.py pins it to Alembic's own head.
HEAD_REVISION = "0008"
DEFAULT_FILENAME = "jagtui.db"
# A writer that finds the SQLite database locked retries in slices this long, so the
# screen can say "waiting for another user's save…" while it waits (``Store.write``).
BUSY_SLICE_MS = 250


def first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def resolve_url(db: str | os.PathLike | None, configured: str = "") -> str:
    """``--db`` / ``JAGTUI_DATABASE_URL`` / config, else the per-user SQLite file.

    A value without ``://`` is a path to an SQLite file.
    """
    chosen = str(db) if db else os.environ.get("JAGTUI_DATABASE_URL") or configured
    if not chosen:
        from jagtui.config import user_data_dir

        chosen = str(user_data_dir() / DEFAULT_FILENAME)
    if "://" in chosen:
        try:
            url = make_url(chosen)
        except ArgumentError:
            raise StoreError(f"Not a database URL: {chosen!r}") from None
        if url.get_backend_name() not in ("sqlite", "postgresql"):
            raise StoreError(
                f"Unsupported database {url.get_backend_name()!r}: use SQLite or PostgreSQL"
            )
        return chosen
    path = Path(chosen).expanduser().resolve()
    return f"sqlite:///{path}"


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def _prepare_sqlite_file(path: Path, create: bool) -> None:
    """Create the file owner-only (0600, folder 0700) whatever the umask.

    In a setgid folder (a server's shared data folder, see ``jagtui.files``) the
    file is 0660 so the group can open it. SQLite gives the -wal and -shm files
    the database file's mode.
    """
    if path.exists():
        if path.is_dir():
            raise StoreError(f"{path} is a directory, not a database file")
        return
    if not create:
        raise StoreError(f"No database at {path}: run `jagtui demo` or `jagtui db upgrade` first")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        mode = database_file_mode(path)
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, mode))
        os.chmod(path, mode)
    except OSError as exc:
        raise StoreError(f"Cannot create {path}: {exc.strerror}") from None


def make_engine(url: str, *, create: bool = False, busy_timeout_ms: int = 10000,
                connect_timeout_s: float = 5, statement_timeout_ms: int = 0) -> Engine:
    """An engine for ``url``; with ``create`` a missing SQLite file is made.

    On PostgreSQL a server that does not answer is given up after
    ``connect_timeout_s``, and a statement (a lock wait included) after
    ``statement_timeout_ms`` (0: no limit).
    """
    path = sqlite_path(url)
    if path is not None:
        _prepare_sqlite_file(path, create)
    try:
        if url.startswith("sqlite"):
            engine = create_engine(
                url, connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000}
            )
            _configure_sqlite(engine, busy_timeout_ms)
        else:
            # No server-side prepared statements: after five runs psycopg would switch to a
            # generic plan, which for `col IN (900 values)` on a table without fresh
            # statistics is a sequential scan per chunk (seconds each, seen on import).
            connect_args = {"prepare_threshold": None,
                            "connect_timeout": max(1, round(connect_timeout_s))}
            if statement_timeout_ms:
                connect_args["options"] = f"-c statement_timeout={int(statement_timeout_ms)}"
            engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args)
            event.listen(engine, "before_cursor_execute", _refuse_nul)
    except (ArgumentError, ImportError) as exc:
        raise StoreError(f"Cannot use database URL {url!r}: {exc}") from None
    # Kept for messages ("did not answer within 5 s") and `jagtui db status`.
    engine.jagtui_options = {"busy_timeout_ms": busy_timeout_ms,
                             "connect_timeout_s": connect_timeout_s,
                             "statement_timeout_ms": statement_timeout_ms}
    return engine


def _refuse_nul(_conn, _cursor, _statement, parameters, _context, executemany) -> None:
    """PostgreSQL cannot even compare text holding NUL: say so, rather than a driver error.
    (Stored text is checked earlier, field by field, in ``hooks.check_text``.)"""
    for row in parameters if executemany else (parameters,):
        values = row.values() if isinstance(row, dict) else row or ()
        if any(isinstance(value, str) and "\x00" in value for value in values):
            raise Invalid("Text with a NUL character (\\0) cannot be looked up or stored")


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        # Take transaction control from pysqlite so "begin" below decides.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()
        # lower() that folds every letter, as PostgreSQL's does (jagtui.store.text_search).
        dbapi_conn.create_function(SQLITE_LOWER, 1, python_lower, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        # Writers take the write lock up front: a clash waits instead of failing
        # mid-transaction with "database is locked".
        options = conn.get_execution_options()
        if not options.get("immediate", False):
            conn.exec_driver_sql("BEGIN")
            return
        _begin_immediate(conn, options.get("wait_ms") or busy_timeout_ms, options.get("on_wait"),
                         busy_timeout_ms)


def is_locked(exc: BaseException) -> bool:
    """SQLite's "database is locked" / "database is busy"."""
    message = str(getattr(exc, "orig", exc)).lower()
    return "database is locked" in message or "database is busy" in message


def _begin_immediate(conn, budget_ms: int, on_wait: Callable[[float], None] | None,
                     busy_timeout_ms: int) -> None:
    """BEGIN IMMEDIATE, waiting up to ``budget_ms`` for another writer in short slices
    (telling ``on_wait`` how long so far), then :class:`Busy`. Nothing is written
    before the lock is held, so a refusal loses nothing."""
    raw = conn.connection.dbapi_connection
    started = time.monotonic()
    slice_ms = max(1, min(BUSY_SLICE_MS, budget_ms))
    raw.execute(f"PRAGMA busy_timeout = {slice_ms}")
    try:
        while True:
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                return
            except OperationalError as exc:
                waited = time.monotonic() - started
                if not is_locked(exc):
                    raise
                if waited * 1000 >= budget_ms:
                    raise Busy(_busy_words(waited)) from None
                if on_wait is not None:
                    on_wait(waited)
    finally:
        raw.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")


def _busy_words(waited: float) -> str:
    return (f"Not saved: another user's save held the database for over {waited:.0f} s. "
            "Nothing was lost: save again in a moment")


@dataclass
class Store:
    """An open database: the engine plus the login that every change is made by."""

    engine: Engine
    login: str
    # Called (from the writing thread) while a save waits for another user's, with
    # the seconds waited so far: the screen says "waiting for another user's save…".
    on_wait: Callable[[float], None] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work."""
        with Session(self.engine, expire_on_commit=False) as session:
            session.info["login"] = self.login
            try:
                yield session
            except OperationalError as exc:
                raise database_error(exc) from None

    @contextmanager
    def write(self, on_wait: Callable[[float], None] | None = None,
              wait_ms: int | None = None) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on any error.

        Every change made through it is stamped and audited (see ``audit``). A row
        changed by someone else since it was read is a :class:`Conflict` (never an
        overwrite); a database held by another writer for longer than the busy
        timeout (or ``wait_ms``, for a write that has somewhere else to go, such as a
        draft on a hang-up) is :class:`Busy`; neither leaves anything half-written.
        """
        with Session(self.engine, expire_on_commit=False) as session:
            session.info["login"] = self.login
            try:
                session.connection(execution_options={
                    "immediate": True, "on_wait": on_wait or self.on_wait, "wait_ms": wait_ms})
                yield session
                session.commit()
            except StaleDataError:
                candidates = session.info.get("updating", [])
                session.rollback()
                raise stale_conflict(self.engine, candidates) from None
            except OperationalError as exc:
                session.rollback()
                raise database_error(exc) from None
            except BaseException:
                session.rollback()
                raise

    def refresh_statistics(self, *tables: str) -> None:
        """Fresh planner statistics after a bulk load, on PostgreSQL (autovacuum gets
        there later; until then new rows are planned as if absent). SQLite's planner
        keeps none, and its queries are written for that."""
        if self.is_sqlite or not tables:
            return
        with self.engine.begin() as conn:
            conn.exec_driver_sql(f"ANALYZE {', '.join(tables)}")

    def dispose(self) -> None:
        self.engine.dispose()


def database_error(exc: DBAPIError) -> StoreError:
    """A database that is locked, timed out or gone, as one line a user can act on."""
    if is_locked(exc):
        return Busy(_busy_words(0).replace(" for over 0 s", ""))
    line = first_line(exc.orig) if exc.orig is not None else first_line(exc)
    if "statement timeout" in line or "canceling statement" in line:
        return Busy("Not saved: the database took too long (statement timeout). "
                    "Nothing was lost: try again in a moment")
    return StoreError(f"The database did not answer: {line}")


hooks.install()


def _alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision Alembic stamped, read directly: importing Alembic costs half a
    second of every start-up."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.scalar(text("SELECT version_num FROM alembic_version"))


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or upgrade the schema; the only way the schema is made."""
    from alembic import command

    command.upgrade(_alembic_config(engine), revision)


def check_schema(engine: Engine) -> None:
    """Refuse a database whose schema is behind or ahead of this program."""
    try:
        current = current_revision(engine)
    except OperationalError as exc:
        raise unreachable(engine, exc) from None
    if current == HEAD_REVISION:
        return
    head = head_revision()
    if current is None:
        has_tables = bool(inspect(engine).get_table_names())
        what = "is not a jagtui database" if has_tables else "is empty"
        raise StoreError(f"The database {what}: run `jagtui db upgrade` (or `jagtui demo`)")
    from alembic.script import ScriptDirectory

    known = {rev.revision for rev in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}
    if current not in known:
        raise StoreError(
            f"The database schema ({current}) is newer than this jagtui ({head}): upgrade jagtui"
        )
    raise StoreError(f"The database schema is behind ({current} < {head}): run `jagtui db upgrade`")


def unreachable(engine: Engine, exc: OperationalError) -> StoreError:
    """A database that cannot be opened, in one line (never the password)."""
    line = first_line(exc.orig) if exc.orig is not None else first_line(exc)
    if engine.dialect.name == "postgresql":
        url = engine.url
        where = f"{url.host or 'localhost'}:{url.port or 5432}"
        if "timeout" in line.lower():
            seconds = getattr(engine, "jagtui_options", {}).get("connect_timeout_s", "?")
            return StoreError(f"Cannot open the database: the PostgreSQL server at {where} did "
                              f"not answer within {seconds} s (database.connect_timeout_s)")
        return StoreError(f"Cannot open the database at {where}: {line}")
    return StoreError(f"Cannot open the database: {line}")


def open_store(url: str, login: str, **options) -> Store:
    """Open an existing, up-to-date database (``options``: see :func:`make_engine`)."""
    engine = make_engine(url, **options)
    try:
        check_schema(engine)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine, login)


def create_store(url: str, login: str, **options) -> Store:
    """Create (or upgrade) the database at ``url`` and open it."""
    engine = make_engine(url, create=True, **options)
    try:
        upgrade(engine)
    except OperationalError as exc:
        engine.dispose()
        raise StoreError(f"Cannot create the schema: {first_line(exc.orig)}") from None
    return Store(engine, login)
