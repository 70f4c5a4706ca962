"""Case-insensitive text matching that behaves the same on SQLite and PostgreSQL.

SQLite's ``lower()`` folds ASCII letters only, so "ZOË" would never match "zoë"
there while it does on PostgreSQL. ``unicode_lower`` is ``lower()`` on
PostgreSQL and, on SQLite, Python's ``str.lower`` registered on each connection
(``jagtui.store.db``). It costs a Python call per row, about twice the built-in,
so a search whose text is plain ASCII keeps the built-in: an ASCII letter
matches the same rows either way.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction
from sqlalchemy.types import Text

SQLITE_LOWER = "jagtui_lower"


class unicode_lower(GenericFunction):  # noqa: N801 - SQLAlchemy names functions in lower case
    """``lower()`` that folds every letter, not only ASCII, on both databases."""

    type = Text()
    inherit_cache = True


@compiles(unicode_lower)
def _lower(element, compiler, **kw) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(unicode_lower, "sqlite")
def _sqlite_lower(element, compiler, **kw) -> str:
    return f"{SQLITE_LOWER}({compiler.process(element.clauses, **kw)})"


def python_lower(value: str | None) -> str | None:
    """What SQLite runs for ``unicode_lower``."""
    return value.lower() if isinstance(value, str) else value


def like_pattern(text: str) -> str:
    """A LIKE pattern that matches ``text`` literally anywhere (``%`` and ``_`` escaped).

    NUL is left out: no stored text can hold one (see ``hooks.check_text``), the
    terminal shows nothing for it, and PostgreSQL refuses it even in a search.
    """
    text = text.replace("\x00", "")
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contains(search: str, *columns) -> ColumnElement[bool]:
    """Any of ``columns`` contains ``search``, ignoring case and outer spaces."""
    needle = search.strip().lower()
    lower = func.lower if needle.isascii() else unicode_lower
    pattern = like_pattern(needle)
    return or_(*(lower(column).like(pattern, escape="\\") for column in columns))
