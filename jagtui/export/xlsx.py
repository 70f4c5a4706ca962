"""A small .xlsx writer for exports that are printed: written straight as SpreadsheetML.

Why not openpyxl: it costs 20-40 microseconds a cell (a county's action log is
200,000 cells: several seconds) and its import pulls in numpy (0.3 s before
anything is written). The exports need only text, dates and numbers in a
fixed set of styles, so the XML is written here directly, in one pass.

Every sheet prints the way a partnership officer circulates it: A4 landscape,
fitted to the page width only (as many pages down as it takes), the header row
repeated on every page and frozen on screen, wrapped text with row heights
that fit it, print gridlines, the protective marking in the header and footer
and ``Page n of m``. Strings are inline string cells (never formulas); one that
looks like a formula is also marked ``quotePrefix`` so editing it keeps it text.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from io import BytesIO
from xml.sax.saxutils import escape, quoteattr

from jagtui.export.cells import clean, formula_like, sheet_text

# Style ids (the order of cellXfs in _STYLES).
HEADER, TEXT, TEXT_QUOTED, DATE, NUMBER, PERCENT = 1, 2, 3, 4, 5, 6
FILLS = {"red": 7, "amber": 8, "green": 9, "blue": 10, "grey": 11}
CENTRED = 12  # "n/a" among numbers


@dataclass(frozen=True)
class Filled:
    """A text cell with a background fill (a RAG status: the word and its colour)."""

    text: str
    fill: str  # a key of FILLS


@dataclass(frozen=True)
class Percent:
    value: float | None


@dataclass
class Sheet:
    name: str
    headers: Sequence[str]
    widths: Sequence[float]  # Excel character units
    rows: Iterable[Sequence] = ()
    title: str = ""  # printed at the top left of every page
    header_lines: int = 0  # 0: as many as the longest header needs


# Arial 10: a column of width w holds about (7w - 5) / 6.2 characters of ordinary
# text; a line is 12.75 pt. Heights are estimated generously: a little white space
# is better than text hidden under the next row.
_PX_PER_UNIT, _PAD_PX, _PX_PER_CHAR = 7.0, 5.0, 6.2
LINE_PT, ROW_PAD_PT = 12.75, 2.25
MAX_ROW_PT = 409.0  # Excel's limit


def chars_per_line(width: float) -> int:
    return max(1, int((width * _PX_PER_UNIT - _PAD_PX) / _PX_PER_CHAR))


def lines_needed(text: str, per_line: int) -> int:
    """Lines ``text`` takes wrapped at word boundaries in ``per_line`` characters."""
    total = 0
    for line in text.split("\n"):
        if len(line) <= per_line:
            total += 1
            continue
        used, count = 0, 1
        for word in line.split(" "):
            size = len(word)
            if used and used + 1 + size > per_line:
                count, used = count + 1, 0
            if size > per_line:  # a long word breaks anywhere
                count += (used + size - 1) // per_line
                used = (used + size) % per_line or per_line
            else:
                used += size + (1 if used else 0)
        total += count
    return total


def _column_letter(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_EPOCH = date(1899, 12, 30).toordinal()


def _xml_text(text: str) -> str:
    # Most cells hold none of the three: skip the three replaces.
    return escape(text) if ("&" in text or "<" in text or ">" in text) else text


def _sheet_xml(sheet: Sheet, index: int, marking: str) -> tuple[str, int]:
    """The worksheet XML and its row count. One pass, one string per cell: a county's
    action log is 200,000 cells."""
    columns = len(sheet.headers)
    letters = [_column_letter(n) for n in range(1, columns + 1)]
    per_line = [chars_per_line(w) for w in sheet.widths]
    body: list[str] = []
    add = body.append

    def text_cell(ref: str, text: str, per: int, style: int | None = None) -> int:
        if style is None:
            style = TEXT_QUOTED if formula_like(text) else TEXT
        return plain_cell(ref, text, per, style)

    def plain_cell(ref: str, text: str, per: int, style: int) -> int:
        add(f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">'
            f'{_xml_text(text)}</t></is></c>')
        return lines_needed(text, per) if len(text) > per or "\n" in text else 1

    # Bold headers are about a tenth wider than body text.
    head_lines = max((text_cell(f"{letters[n]}1", sheet_text(h), max(1, per_line[n] * 9 // 10),
                                HEADER) for n, h in enumerate(sheet.headers)), default=1)
    head = body[:]
    body.clear()
    rows_xml = [f'<row r="1" ht="{_height(sheet.header_lines or head_lines)}" customHeight="1">'
                + "".join(head) + "</row>"]
    r = 1
    for row in sheet.rows:
        r += 1
        number = str(r)
        lines = 1
        # The usual row needs no cell made visible or inert: one search says so.
        ok = clean([value for value in row if type(value) is str])
        for n, value in enumerate(row[:columns]):
            if value is None or value == "":
                continue
            kind = type(value)
            if kind is str:
                lines = max(lines, plain_cell(letters[n] + number, value, per_line[n], TEXT) if ok
                            else text_cell(letters[n] + number, sheet_text(value), per_line[n]))
            elif kind is date:
                add(f'<c r="{letters[n]}{number}" s="{DATE}"><v>{value.toordinal() - _EPOCH}</v></c>')
            else:
                lines = max(lines, _other_cell(add, text_cell, letters[n] + number, value,
                                               per_line[n]))
        rows_xml.append(f'<row r="{number}" ht="{_height(lines)}" customHeight="1">'
                        + "".join(body) + "</row>")
        body.clear()
    last = f"{letters[-1]}{max(r, 1)}"
    cols = "".join(f'<col min="{n}" max="{n}" width="{w}" customWidth="1"/>'
                   for n, w in enumerate(sheet.widths, start=1))
    selected = ' tabSelected="1"' if index == 0 else ""
    parts = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">',
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>',
        f'<dimension ref="A1:{last}"/>',
        f'<sheetViews><sheetView workbookViewId="0"{selected}>'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>',
        f'<sheetFormatPr defaultRowHeight="{LINE_PT}"/>',
        f"<cols>{cols}</cols>",
        "<sheetData>", *rows_xml, "</sheetData>",
        f'<autoFilter ref="A1:{last}"/>' if r > 1 else "",
        '<printOptions gridLines="1"/>',
        '<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>',
        '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>',
        _header_footer(sheet, marking),
        "</worksheet>",
    ]
    return "".join(parts), r


def _other_cell(add, text_cell, ref: str, value, per: int) -> int:
    """A cell that is not plain text or a date; returns the lines it takes."""
    if isinstance(value, Filled):
        return text_cell(ref, sheet_text(value.text), per, FILLS[value.fill])
    if isinstance(value, bool):
        add(f'<c r="{ref}" s="{TEXT}" t="inlineStr"><is><t>{"yes" if value else "no"}</t></is></c>')
    elif isinstance(value, datetime | date):
        day = value.date() if isinstance(value, datetime) else value
        add(f'<c r="{ref}" s="{DATE}"><v>{day.toordinal() - _EPOCH}</v></c>')
    elif isinstance(value, Percent):
        if value.value is None:
            return text_cell(ref, "n/a", per, CENTRED)
        add(f'<c r="{ref}" s="{PERCENT}"><v>{value.value!r}</v></c>')
    elif isinstance(value, int | float):
        add(f'<c r="{ref}" s="{NUMBER}"><v>{value!r}</v></c>')
    else:
        return text_cell(ref, sheet_text(value), per)
    return 1



def _height(lines: int) -> str:
    return f"{min(MAX_ROW_PT, lines * LINE_PT + ROW_PAD_PT):.2f}"


def _hf(text: str) -> str:
    """Header/footer text: ``&`` starts a code there, so a literal one is doubled."""
    return sheet_text(text).replace("\n", " ").replace("&", "&&")


def _header_footer(sheet: Sheet, marking: str) -> str:
    left = f'&L&"Arial,Regular"&9{_hf(sheet.title)}' if sheet.title else ""
    centre = f'&C&"Arial,Bold"&10{_hf(marking)}' if marking else ""
    header = escape(left + centre)
    footer = escape(f'{centre}&R&"Arial,Regular"&9Page &P of &N')
    return f"<headerFooter><oddHeader>{header}</oddHeader><oddFooter>{footer}</oddFooter></headerFooter>"


def _styles() -> str:
    fonts = ('<font><sz val="10"/><name val="Arial"/><family val="2"/></font>'
             '<font><b/><sz val="10"/><name val="Arial"/><family val="2"/></font>')
    fill_colours = ["D9D9D9", "FFC7CE", "FFEB9C", "C6EFCE", "DDEBF7", "EDEDED"]
    fills = ('<fill><patternFill patternType="none"/></fill>'
             '<fill><patternFill patternType="gray125"/></fill>'
             + "".join(f'<fill><patternFill patternType="solid"><fgColor rgb="FF{c}"/>'
                       f'<bgColor indexed="64"/></patternFill></fill>' for c in fill_colours))
    top_wrap = '<alignment vertical="top" wrapText="1"/>'
    # Dates and numbers centred: right-aligned they run into the next column's text.
    top = '<alignment horizontal="center" vertical="top"/>'

    def xf(font=0, fill=0, numfmt=0, align=top_wrap, extra=""):
        applied = (f' applyFont="1"' if font else "") + (' applyFill="1"' if fill else "") + (
            ' applyNumberFormat="1"' if numfmt else "")
        return (f'<xf numFmtId="{numfmt}" fontId="{font}" fillId="{fill}" borderId="0" '
                f'xfId="0"{applied} applyAlignment="1"{extra}>{align}</xf>')

    xfs = [
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
        xf(font=1, fill=2),  # HEADER
        xf(),  # TEXT
        xf(extra=' quotePrefix="1"'),  # TEXT_QUOTED
        xf(numfmt=164, align=top),  # DATE
        xf(numfmt=1, align=top),  # NUMBER
        xf(numfmt=165, align=top),  # PERCENT
        xf(font=1, fill=3), xf(font=1, fill=4), xf(font=1, fill=5), xf(font=1, fill=6),
        xf(fill=7),  # grey
        xf(align='<alignment horizontal="center" vertical="top" wrapText="1"/>'),  # CENTRED
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
        '<numFmt numFmtId="165" formatCode="+0%;-0%;0%"/></numFmts>'
        f'<fonts count="2">{fonts}</fonts>'
        f'<fills count="{2 + len(fill_colours)}">{fills}</fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "{sheets}</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
    'metadata/core-properties" Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)


def _core(title: str, subject: str, author: str, marking: str, now: datetime) -> str:
    stamp = now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(sheet_text(title))}</dc:title>"
        f"<dc:subject>{escape(sheet_text(subject))}</dc:subject>"
        f"<dc:creator>{escape(sheet_text(author))}</dc:creator>"
        f"<cp:keywords>{escape(sheet_text(marking))}</cp:keywords>"
        f"<cp:lastModifiedBy>{escape(sheet_text(author))}</cp:lastModifiedBy>"
        f"<cp:category>{escape(sheet_text(marking))}</cp:category>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def _app(names: list[str]) -> str:
    titles = "".join(f"<vt:lpstr>{escape(n)}</vt:lpstr>" for n in names)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        "<Application>jagtui</Application>"
        f'<TitlesOfParts><vt:vector size="{len(names)}" baseType="lpstr">{titles}</vt:vector>'
        "</TitlesOfParts></Properties>"
    )


def _quoted_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def workbook(sheets: Sequence[Sheet], *, title: str, author: str, marking: str,
             subject: str = "", now: datetime | None = None) -> bytes:
    """The .xlsx package of ``sheets``, each printed with ``marking`` and its title."""
    now = now or datetime.now(timezone.utc)
    names = [s.name for s in sheets]
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        package.writestr("[Content_Types].xml", _CONTENT_TYPES.format(sheets="".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
            f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for n in range(1, len(sheets) + 1))))
        package.writestr("_rels/.rels", _ROOT_RELS)
        package.writestr("docProps/core.xml", _core(title, subject, author, marking, now))
        package.writestr("docProps/app.xml", _app(names))
        package.writestr("xl/styles.xml", _styles())
        defined, entries, rels = [], [], []
        for n, sheet in enumerate(sheets):
            xml, rows = _sheet_xml(sheet, n, marking)
            package.writestr(f"xl/worksheets/sheet{n + 1}.xml", xml)
            entries.append(f'<sheet name={quoteattr(sheet.name)} sheetId="{n + 1}" r:id="rId{n + 1}"/>')
            rels.append(f'<Relationship Id="rId{n + 1}" Type="http://schemas.openxmlformats.org/'
                        f'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n + 1}.xml"/>')
            ref = _quoted_sheet(sheet.name)
            last = _column_letter(len(sheet.headers))
            if rows > 1:
                defined.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" '
                               f'hidden="1">{escape(ref)}!$A$1:${last}${rows}</definedName>')
            defined.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="{n}">'
                           f"{escape(ref)}!$1:$1</definedName>")
        rels.append(f'<Relationship Id="rId{len(sheets) + 1}" Type="http://schemas.openxmlformats.org/'
                    'officeDocument/2006/relationships/styles" Target="styles.xml"/>')
        package.writestr("xl/_rels/workbook.xml.rels",
                         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                         f'relationships">{"".join(rels)}</Relationships>')
        package.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<bookViews><workbookView activeTab="0"/></bookViews>'
            f'<sheets>{"".join(entries)}</sheets>'
            f'<definedNames>{"".join(defined)}</definedNames></workbook>')
    return out.getvalue()
