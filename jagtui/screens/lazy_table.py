"""A DataTable for lists thousands of rows long, refilled as the user types.

The built-in DataTable makes every row it is given (~0.1 ms each, then ~0.4 ms
measuring it on idle) and draws each visible cell through Rich's general layout
(~0.4 ms a cell: 40 lines of 12 cells after every refill). ``LazyTable`` keeps
DataTable's API, look and keys, but:

- holds the whole list and adds rows only a page past the cursor or the scroll,
  more as either nears the end (End and ctrl+End add the rest and go to the true
  last row);
- makes a row's cells when it comes into view or is read, once per item until
  ``forget_cells``, widening the columns then, before the frame is drawn;
- draws a data row's line itself, a one-line text cell straight to segments (the
  segments DataTable's own path gives: tests/test_case_listing.py compares the
  two; other cells go through that path), and caches the line by what it shows
  rather than by DataTable's update count: moving the cursor redraws two lines,
  and a refill that leaves a case on the same line reuses it.

Rows are one line high and unlabelled, and are replaced together (``show_items``),
never removed one by one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import zip_longest
from typing import Generic, TypeVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual._segment_tools import line_crop
from textual.binding import Binding
from textual.cache import LRUCache
from textual.coordinate import Coordinate
from textual.geometry import Region, Size
from textual.render import measure
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets._data_table import Row, RowKey, default_cell_formatter

Item = TypeVar("Item")


class LazyTable(DataTable, Generic[Item]):
    BINDINGS = [
        # A list's ends, not its columns' (the built-in Home/End scroll sideways).
        Binding("home", "scroll_top", "First row", show=False, tooltip="Go to the first row"),
        Binding("end", "scroll_bottom", "Last row", show=False, tooltip="Go to the last row"),
    ]

    def __init__(self, row_cells: Callable[[Item], Sequence], row_key: Callable[[Item], str],
                 **kwargs) -> None:
        kwargs.setdefault("cursor_type", "row")
        super().__init__(**kwargs)
        self.row_cells = row_cells
        self.row_key = row_key
        self.items: list[Item] = []
        self._cells: dict[str, tuple[dict, list[int]]] = {}  # key -> cells by column, widths
        self._widths: tuple[int, tuple[int, ...]] = (-1, ())  # (for _update_count, widths)
        self._strips: LRUCache[tuple, Strip] = LRUCache(1000)  # a data row's line, drawn
        self._cells_made = 0  # which making of the cells the lines were drawn from
        self._frame_style = Style()
        self._text_styles: dict[str, Style] = {}
        self._data = _CellsOnDemand(self._made_cells)

    # -- rows ----------------------------------------------------------------

    def show_items(self, items: list[Item], highlight: str | None = None, row: int = 0) -> None:
        """Show these items instead of the ones shown, the cursor on the one whose key
        is ``highlight`` if it is there, else on ``row`` (or the last)."""
        self.clear()
        self.items = items
        found = None
        if highlight is not None:
            found = next((n for n, item in enumerate(items) if self.row_key(item) == highlight), None)
        target = min(max(row, 0), len(items) - 1) if found is None else found
        self.ensure_rows(target + 1)
        if items:
            self.move_cursor(row=target)
            self.make_cells(round(self.scroll_y), round(self.scroll_y) + self.page_rows())

    def clear(self, columns: bool = False) -> LazyTable:
        self.items = []  # rows are built from the items: none until new ones are given
        return super().clear(columns)

    def forget_cells(self) -> None:
        """The items' cells have changed (privacy, width, a new day): make them again."""
        self._cells.clear()
        self._data.clear()  # the rows shown make theirs again when next read
        self._cells_made += 1
        self.refresh()

    def ensure_rows(self, count: int) -> None:
        """At least the first ``count`` items have rows (or all of them), built a
        page beyond that at a time rather than one by one."""
        start = self.row_count
        if start >= min(count, len(self.items)):
            return
        self._append(self.items[start:count + self.page_rows()])

    def page_rows(self) -> int:
        """A page: the terminal's height (the table's, if taller)."""
        return max(self.app.size.height, self.size.height, 1)

    def _append(self, items: list[Item]) -> None:
        """``add_row`` for many items at once: its bookkeeping without the cells, which
        are made when a row is first shown or read (``make_cells``); without
        re-validating the cursor and invalidating every cache once per row."""
        index = self.row_count
        for item in items:
            row_key = RowKey(self.row_key(item))
            self._row_locations[row_key] = index
            self.rows[row_key] = Row(row_key, 1)
            index += 1
        self._update_count += 1
        self._require_update_dimensions = False  # _set_virtual_size does what it would
        self._set_virtual_size()
        self.cursor_coordinate = self.cursor_coordinate  # as add_row: clamp it to the rows
        if self.row_count == len(items) and self.columns and self.show_cursor:
            self._highlight_cursor()  # the first rows: there is a row to highlight now

    def make_cells(self, start: int, stop: int) -> None:
        """Make the cells of rows ``start`` to ``stop`` now (those in view), so columns
        are widened before a frame is drawn rather than during it."""
        for index in range(max(start, 0), min(stop, self.row_count)):
            self._data.make(self._row_locations.get_key(index))

    def _made_cells(self, row_key: RowKey) -> dict:
        """A row's cells, made from its item; the columns widen to fit them."""
        index = self._row_locations.get(row_key)
        if index is None:
            raise KeyError(row_key)
        key = row_key.value
        made = self._cells.get(key)
        if made is None:
            cells = list(self.row_cells(self.items[index]))
            column_keys = [column.key for column in self.ordered_columns]
            made = self._cells[key] = (dict(zip_longest(column_keys, cells)),
                                       [_cell_width(cell, self.app.console) for cell in cells])
        cells, widths = made
        widened = False
        for column, width in zip(self.ordered_columns, widths):
            if width > column.content_width:
                column.content_width = width
                widened = True
        if widened:
            self._update_count += 1  # renders cached at the old widths are stale
            self._set_virtual_size()
        return cells

    def _set_virtual_size(self) -> None:
        header = self.header_height if self.show_header else 0
        self.virtual_size = Size(sum(self._render_widths()) + self._row_label_column_width,
                                 self.row_count + header)

    def watch_cursor_coordinate(self, old: Coordinate, new: Coordinate) -> None:
        if old != new:  # room below the cursor for a PageDown
            self.ensure_rows(new.row + 1 + self.page_rows())
        super().watch_cursor_coordinate(old, new)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self.ensure_rows(round(new) + self.size.height + self.page_rows())
        self.make_cells(round(new), round(new) + self.size.height)

    def action_page_down(self) -> None:
        # The page below this one must exist, or the scroll stops short of it.
        self.ensure_rows(self.cursor_row + 1 + 2 * self.page_rows())
        super().action_page_down()

    def action_scroll_bottom(self) -> None:
        self.ensure_rows(len(self.items))
        super().action_scroll_bottom()

    # -- cheaper rendering (see the module's docstring) ----------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # The widget's style walks every ancestor's CSS: once a frame, not once a line.
        self._frame_style = self.rich_style
        top = round(self.scroll_y)
        self.make_cells(top + crop.y, top + crop.bottom)  # normally made already
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width, _ = self.size
        scroll_x, scroll_y = self.scroll_offset
        header = self.header_height if self.show_header else 0
        plain_rows = not (self.fixed_rows or self.fixed_columns or self.cursor_type != "row"
                          or (self._labelled_row_exists and self.show_row_labels))
        if not plain_rows:  # a layout this table does not make
            return super().render_line(y)
        if y < header:
            return self._header_strip(y)
        row = y - header + scroll_y
        if row >= self.row_count:
            return Strip.blank(width, self._frame_style)
        return self._row_strip(row, scroll_x, width, self._frame_style)

    def _header_strip(self, y: int) -> Strip:
        """DataTable's header line, cached by what it shows rather than redrawn at
        every refill (DataTable's caches are keyed by its update count and emptied by
        ``clear``)."""
        columns = self.ordered_columns
        key = ("header", y, self.scroll_x, self.size.width, self._frame_style,
               self._render_widths(), self.cell_padding,
               tuple(column.label.plain for column in columns),
               self.hover_coordinate.row == -1 and self._show_hover_cursor,
               self._pseudo_class_state)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._strips[key] = super().render_line(y)
        return strip

    def _row_strip(self, row: int, x: int, width: int, base_style: Style) -> Strip:
        """A data row as DataTable's ``_render_line`` draws it, cached by the row and
        whether the cursor is on it: moving the cursor redraws two rows, not all."""
        row_key = self._row_locations.get_key(row)
        cursor = row == self.cursor_coordinate.row
        hover = row == self.hover_coordinate.row
        show_cursor, show_hover = self.show_cursor, self._show_hover_cursor
        if self.zebra_stripes:  # DataTable reads this from the CSS for every line
            row_style = self.get_component_rich_style(
                "datatable--odd-row" if row % 2 else "datatable--even-row")
        else:
            row_style = base_style
        component_style, post_style = self._get_styles_to_render_cell(
            False, False, False, hover, cursor, show_cursor, show_hover,
            self.cursor_foreground_priority == "css", self.cursor_background_priority == "css")
        widths = self._render_widths()
        # Keyed by what the line shows, not by the table's update count, so a refill
        # that leaves a case on the same line (typing on narrows the same list) reuses it.
        padding = self.cell_padding
        key = (row_key, row, self._cells_made, widths, padding, x, width, base_style, row_style,
               component_style, post_style)
        strip = self._strips.get(key)
        if strip is not None:
            return strip
        cell_style = row_style + component_style
        segments: list[Segment] = []
        for column, (cell, cell_width) in enumerate(zip(self._data[row_key].values(), widths)):
            cell = _cut(cell, cell_width - 2 * padding)
            if _one_line(cell, cell_width - 2 * padding):
                segments += self._cell_line(cell, cell_width, padding, cell_style, post_style,
                                            _cell_meta(row, column))
            else:
                segments += self._render_cell(row, column, row_style, cell_width, cursor, hover)[0]
        # The rest of the width, as DataTable extends a row under the row cursor.
        extend_style, _ = self._get_styles_to_render_cell(
            False, False, False, hover, cursor, show_cursor, show_hover, False, False)
        extend_style = row_style + extend_style + Style.from_meta(
            {"row": row, "column": 0, "out_of_bounds": True})
        table_width = sum(widths)
        segments.append(Segment(" " * max(0, width - table_width), extend_style))
        if x or table_width > width:
            segments = line_crop(segments, x, x + width, width)
        strip = Strip(segments).adjust_cell_length(width, base_style).simplify()
        self._strips[key] = strip
        return strip

    def _cell_line(self, cell: Text, width: int, padding: int, cell_style: Style,
                   post_style: Style, meta: Style) -> list[Segment]:
        """What Rich renders for DataTable's ``Styled(Padding(cell, (0, padding)), ...)`` one
        line high, for a cell that fits: the text between spaces, under the row's and the
        cursor's styles, in as few segments as the styles allow. The meta (where the cell
        is, for the mouse) is added last: it is the one part unique to the cell, so the
        sums before it repeat and Rich's cache answers them; it holds no colour, so the
        order changes nothing."""
        pre_style = cell_style + meta
        pad = " " * padding
        fill = " " * (width - 2 * padding - cell_len(cell.plain)) + pad
        if cell.spans:
            inner = [Segment(text, cell_style + style + meta if style else pre_style)
                     for text, style, _ in Text("\n").join([cell]).render(self.app.console)]
        elif cell.style:
            inner = [Segment(cell.plain, cell_style + self._text_style(cell.style) + meta)]
        else:
            pad, fill, inner = "", "", [Segment(pad + cell.plain + fill, pre_style)]
        segments = [Segment(pad, pre_style), *inner, Segment(fill, pre_style)]
        if post_style:
            return [Segment(text, style + post_style) for text, style, _ in segments if text]
        return [segment for segment in segments if segment.text]

    def _text_style(self, style: str | Style) -> Style:
        """A cell's text style as Rich's console reads it (names looked up once)."""
        if isinstance(style, Style):
            return style
        found = self._text_styles.get(style)
        if found is None:
            found = self._text_styles[style] = self.app.console.get_style(style, default=Style.null())
        return found

    def _render_widths(self) -> tuple[int, ...]:
        """Each column's width with its padding, worked out once per change of the table."""
        counted, widths = self._widths
        if counted != self._update_count:
            widths = tuple(column.get_render_width(self) for column in self.ordered_columns)
            self._widths = (self._update_count, widths)
        return widths

    def _get_row_region(self, row_index: int) -> Region:
        # Every row is one line high: no sum over the rows above it to find where it is.
        if not self.is_valid_row_index(row_index):
            return Region(0, 0, 0, 0)
        header = self.header_height if self.show_header else 0
        return Region(0, row_index + header, sum(self._render_widths()), 1)

    @property
    def _total_row_height(self) -> int:
        return self.row_count

    @property
    def ordered_rows(self) -> list[Row]:
        # Rows are only appended, in order, and replaced together: the dict is in order.
        return list(self.rows.values())

    def _highlight_row(self, row_index: int) -> None:
        # As DataTable's, which counts the rows by their cells: not all are made yet.
        self.refresh_row(row_index)
        if row_index < self.row_count:
            self.post_message(DataTable.RowHighlighted(self, row_index,
                                                       self._row_locations.get_key(row_index)))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()


@lru_cache(maxsize=8192)
def _cell_meta(row: int, column: int) -> Style:
    """Where a cell is, for the mouse (DataTable's own path adds the same)."""
    return Style.from_meta({"row": row, "column": column})


def _cell_width(cell: object, console) -> int:
    """A cell's width as DataTable measures it (``Text.__rich_measure__``: its widest line)."""
    if not isinstance(cell, Text):
        cell = default_cell_formatter(cell, wrap=False, height=1)
        if not isinstance(cell, Text):
            return measure(console, cell, 1)
    plain = cell.plain
    if plain.isprintable():  # one line (line breaks are not printable)
        return cell_len(plain)
    return max((cell_len(line) for line in plain.splitlines()), default=0)


def _cut(cell: object, width: int) -> object:
    """A one-line cell too wide for its column that Rich would cut with an ellipsis
    (``display.cell``), cut the same way, so it is drawn on the quick path: a column of
    long reasons no longer goes through Rich's layout cell by cell."""
    if (isinstance(cell, Text) and cell.no_wrap and cell.overflow == "ellipsis"
            and cell.justify in (None, "default") and cell.plain.isprintable()
            and cell.cell_len > width > 0):
        cell = cell.copy()
        cell.truncate(width, overflow="ellipsis")
    return cell


def _one_line(cell: object, width: int) -> bool:
    """A cell Rich would render as its own text, unwrapped, unjustified, then padded."""
    if not isinstance(cell, Text) or cell.justify not in (None, "default"):
        return False
    plain = cell.plain
    one_line = plain.isprintable() or ("\t" not in plain and plain.splitlines() == [plain])
    return one_line and cell_len(plain) <= width


class _CellsOnDemand(dict):
    """DataTable's row key -> cells, the cells made when a row is first read."""

    def __init__(self, make_cells: Callable[[RowKey], dict]) -> None:
        super().__init__()
        self.make_cells = make_cells

    def make(self, row_key: RowKey) -> dict:
        cells = super().get(row_key)
        if cells is None:
            cells = self[row_key] = self.make_cells(row_key)
        return cells

    def __missing__(self, row_key: RowKey) -> dict:
        return self.make(row_key)

    def get(self, row_key: RowKey, default=None):
        try:
            return self[row_key]
        except KeyError:
            return default
