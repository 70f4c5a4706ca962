"""The lazy table cuts a one-line cell too wide for its set column width as DataTable
draws it (an ellipsis), on its own quick path: styled, with spans, in wide scripts."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.app import App
from textual.geometry import Region
from textual.widgets import DataTable

from jagtui.display import cell
from jagtui.screens.lazy_table import LazyTable, _cut

LONG = "Three ASB incidents since 25 Jul 2026: refs STORM-0412, SEN-2201, STORM-0999"


def cells(n: int) -> list:
    spans = cell(f"{n} {LONG}")
    spans.stylize("bold red", 0, 4)
    return [Text(f"R{n}", style="bold"), cell(f"王小明 Ünal-Łęcka {n} " * 3, "dim"), spans,
            cell(LONG[: 10 + n]), Text(LONG, no_wrap=True, overflow="ellipsis", justify="right")]


class Board(App):
    def compose(self):
        yield LazyTable(cells, str, zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(LazyTable)
        for label, width in (("Ref", 4), ("Who", 12), ("Reason", 30), ("Short", 14), ("Right", 9)):
            table.add_column(label, key=label, width=width)
        table.show_items(list(range(30)))


@pytest.mark.parametrize("size", [(80, 24), (60, 12)])
async def test_cut_cells_draw_as_datatable_draws_them(size):
    def rendered(table):
        table._clear_caches()
        table._styles_cache.clear()
        return [[s for s in strip if s.text] for strip in table.render_lines(Region(0, 0, *table.size))]

    app = Board()
    async with app.run_test(size=size) as pilot:
        table = app.query_one(LazyTable)
        for row in (0, 3, 11):
            table.move_cursor(row=row)
            await pilot.pause()
            fast = rendered(table)
            table.__class__ = DataTable
            try:
                slow = rendered(table)
            finally:
                table.__class__ = LazyTable
            assert fast == slow
        assert any("…" in s.text for strip in fast for s in strip)


def test_only_one_line_ellipsis_cells_are_cut_and_the_original_is_kept():
    original = cell(LONG)
    cut = _cut(original, 10)
    assert cut.plain == LONG[:9] + "…" and original.plain == LONG  # a copy, the cell intact
    wrapping = Text(LONG)  # wraps (no no_wrap): DataTable shows its first line, not an ellipsis
    assert _cut(wrapping, 10) is wrapping
    two_lines = cell("one\ntwo" * 10)
    assert _cut(two_lines, 10) is two_lines
    fits = cell("short")
    assert _cut(fits, 10) is fits
