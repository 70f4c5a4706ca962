"""A small document model rendered to Markdown and to Word.

Exports describe what a document says once (headings, paragraphs, numbered
points, tables) and the two renderers decide how it looks, so the Markdown
and the .docx of the same minutes cannot drift apart. The protective marking
goes at the top and bottom of the Markdown and into the header and footer of
every page of the Word file. The Word file's properties are the document's own
(title, author, subject, created and modified now): nothing of python-docx's
template (its 2013 dates, "Microsoft Macintosh Word", its thumbnail) is left.

All text is user text: the Markdown renderer escapes what Markdown would
obey, and control characters are shown as ``\\xNN`` (they are not allowed in
Word's XML at all).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from io import BytesIO
from xml.sax.saxutils import escape

from jagtui.display import visible


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Para:
    text: str
    bold: bool = False
    italic: bool = False
    centred: bool = False


@dataclass(frozen=True)
class Point:
    """A numbered discussion point ``(i)`` or decision ``1.``, with a hanging label."""

    label: str
    text: str


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths_cm: tuple[float, ...] = ()


Block = Heading | Para | Point | Table


@dataclass
class Document:
    title: str
    marking: str
    banner: str = ""  # e.g. "DRAFT - not yet final", shown under the marking
    subject: str = ""
    author: str = ""
    blocks: list[Block] = field(default_factory=list)
    file_title: str = ""  # the file's Title property; the title when empty

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)


# ---------------------------------------------------------------- Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|&#~])")
_MD_LINE_START = re.compile(r"^(\s*)([-+=]|\d+[.)])", re.MULTILINE)


def md_escape(text: str, *, line_start: bool = True) -> str:
    """User text shown literally by a Markdown renderer (no emphasis, links, HTML).

    ``line_start`` also escapes what would start a list or a heading underline.
    """
    text = _MD_SPECIAL.sub(r"\\\1", visible(text))
    return _MD_LINE_START.sub(lambda m: m[1] + "\\" + m[2], text) if line_start else text


def _md_lines(text: str) -> str:
    """Line breaks kept as hard breaks inside one paragraph."""
    return "  \n".join(md_escape(line) for line in text.strip("\n").split("\n"))


def _md_cell(text: str) -> str:
    return "<br>".join(md_escape(line, line_start=False) for line in text.strip().split("\n")) or " "


def _md_block(block: Block) -> str:
    if isinstance(block, Heading):
        text = md_escape(block.text.replace("\n", " "), line_start=False)
        return f"{'#' * min(block.level + 1, 6)} {text}"
    if isinstance(block, Para):
        text = _md_lines(block.text)
        if block.bold:
            text = "  \n".join(f"**{line}**" for line in text.split("  \n") if line)
        if block.italic:
            text = "  \n".join(f"*{line}*" for line in text.split("  \n") if line)
        return text
    if isinstance(block, Point):
        body = _md_lines(block.text).replace("  \n", "  \n    ")
        label = block.label if block.label.endswith(".") else md_escape(block.label)
        return f"{label} {body}"
    head = "| " + " | ".join(md_escape(h) for h in block.headers) + " |"
    rule = "|" + "|".join("---" for _ in block.headers) + "|"
    rows = ["| " + " | ".join(_md_cell(cell) for cell in row) + " |" for row in block.rows]
    return "\n".join([head, rule, *rows])


def render_markdown(doc: Document) -> bytes:
    marking = f"**{md_escape(doc.marking)}**" if doc.marking else ""
    parts = [marking] if marking else []
    if doc.banner:
        parts.append(f"*{md_escape(doc.banner)}*")
    parts.append(f"# {md_escape(doc.title)}")
    parts += [_md_block(block) for block in doc.blocks]
    if marking:
        parts.append(marking)
    return ("\n\n".join(parts) + "\n").encode("utf-8")


# ---------------------------------------------------------------- Word

def _field(run, instruction: str) -> None:
    """A PAGE / NUMPAGES field, updated by Word and LibreOffice when shown."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    begin, instr, separate, end = (OxmlElement("w:fldChar"), OxmlElement("w:instrText"),
                                   OxmlElement("w:fldChar"), OxmlElement("w:fldChar"))
    begin.set(qn("w:fldCharType"), "begin")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    separate.set(qn("w:fldCharType"), "separate")
    end.set(qn("w:fldCharType"), "end")
    text = OxmlElement("w:t")
    text.text = "1"
    for element in (begin, instr, separate, text, end):
        run._r.append(element)


def _marked(section, doc: Document) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    section.different_first_page_header_footer = False
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    header.add_run(visible(doc.marking)).bold = True
    if doc.banner:
        line = section.header.add_paragraph()
        line.alignment = WD_ALIGN_PARAGRAPH.CENTER
        line.add_run(visible(doc.banner)).italic = True
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(visible(doc.marking)).bold = True
    pages = section.footer.add_paragraph()
    pages.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pages.add_run("Page ")
    _field(pages.add_run(), "PAGE")
    pages.add_run(" of ")
    _field(pages.add_run(), "NUMPAGES")


# Runs are written as WordprocessingML text and parsed in one go, exactly as python-docx's
# add_run / bold / italic / font.size setters would write them: through its API each run
# costs ~0.3 ms, and the action log of a county's meeting holds thousands of them.
TABLE_TEXT_HALF_POINTS = 19  # 9.5 pt


def _text_xml(chunk: str) -> str:
    """A ``w:t`` element (none for no text), keeping outer spaces as python-docx does."""
    if not chunk:
        return ""
    if len(chunk.strip()) < len(chunk):
        return f'<w:t xml:space="preserve">{escape(chunk)}</w:t>'
    return f"<w:t>{escape(chunk)}</w:t>"


def _runs_xml(text: str, *, bold: bool = False, italic: bool = False,
              half_points: int | None = None) -> str:
    """Text as runs, its line breaks kept as breaks inside the paragraph."""
    props = "<w:rPr>" + ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "") + (
        f'<w:sz w:val="{half_points}"/>' if half_points else "") + "</w:rPr>"
    runs = [f"<w:r>{props}" + "<w:tab/>".join(_text_xml(chunk) for chunk in line.split("\t"))
            for line in visible(text).strip("\n").split("\n")]
    return "<w:br/></w:r>".join(runs) + "</w:r>"


def _parsed(xml: str):
    """WordprocessingML children of a wrapper element, ready to move into the document."""
    from docx.oxml.ns import nsdecls
    from docx.oxml.parser import parse_xml

    return list(parse_xml(f"<w:body {nsdecls('w')}>{xml}</w:body>"))


def _add_text(paragraph, text: str, *, bold: bool = False, italic: bool = False,
              half_points: int | None = None) -> None:
    paragraph._p.extend(_parsed(_runs_xml(text, bold=bold, italic=italic, half_points=half_points)))


def render_docx(doc: Document) -> bytes:
    from docx import Document as Word
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    word = Word()
    normal = word.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    section = word.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    _marked(section, doc)
    _properties(word, doc)

    # Looked up once: python-docx searches the styles part by name on every add_heading.
    headings = {level: word.part.get_style_id(f"Heading {level}", WD_STYLE_TYPE.PARAGRAPH)
                for level in {min(b.level, 9) for b in doc.blocks if isinstance(b, Heading)}}
    title = word.add_paragraph(style="Title")
    _add_text(title, doc.title)
    for block in doc.blocks:
        if isinstance(block, Heading):
            heading = word.add_paragraph()
            heading._p.style = headings[min(block.level, 9)]
            _add_text(heading, block.text)
        elif isinstance(block, Para):
            paragraph = word.add_paragraph()
            if block.centred:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _add_text(paragraph, block.text, bold=block.bold, italic=block.italic)
        elif isinstance(block, Point):
            paragraph = word.add_paragraph()
            paragraph.paragraph_format.left_indent = Cm(1.0)
            paragraph.paragraph_format.first_line_indent = Cm(-1.0)
            paragraph.add_run(f"{visible(block.label)}\t")
            _add_text(paragraph, block.text)
        else:
            _add_table(word, block)
    buffer = BytesIO()
    word.save(buffer)
    return buffer.getvalue()


TEXT_WIDTH_CM = 17.0  # A4 less two 2 cm margins
_TWIPS_PER_CM = 1440 / 2.54
# A row is never split across a page: a reader never loses an action's owner or date.
_ROW_PROPS = "<w:trPr><w:cantSplit/></w:trPr>"


def column_twips(block: Table) -> list[int]:
    """Each column's width: as given, scaled down if they would pass the text area;
    shared equally when not given."""
    count = len(block.headers)
    widths = list(block.widths_cm) if len(block.widths_cm) == count else [TEXT_WIDTH_CM / count] * count
    scale = min(1.0, TEXT_WIDTH_CM / sum(widths))
    return [int(w * scale * _TWIPS_PER_CM) for w in widths]


def _add_table(word, block: Table) -> None:
    """A fixed-layout grid table whose grid matches its cell widths and fits the text
    area; the bold header row repeats on every page and no row splits across pages.
    Rows are written as XML (see ``_runs_xml``)."""
    from docx.oxml.ns import qn

    twips = column_twips(block)
    table = word.add_table(rows=0, cols=len(block.headers))
    table.style = "Table Grid"
    tbl = table._tbl
    properties = tbl.tblPr
    # python-docx's new table has <w:tblW w:type="auto"/>: set in place, keeping the
    # schema's order of table properties (Word refuses a file that breaks it).
    width = properties.find(qn("w:tblW"))
    width.set(qn("w:type"), "dxa")
    width.set(qn("w:w"), str(sum(twips)))
    properties.get_or_add_tblLayout().set(qn("w:type"), "fixed")
    grid = tbl.tblGrid
    for column in list(grid):
        grid.remove(column)
    grid.extend(_parsed("".join(f'<w:gridCol w:w="{w}"/>' for w in twips)))
    cells = [f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{w}"/></w:tcPr><w:p>' for w in twips]
    head = ("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" + "".join(
        f"{start}{_runs_xml(text, bold=True, half_points=TABLE_TEXT_HALF_POINTS)}</w:p></w:tc>"
        for start, text in zip(cells, block.headers, strict=True)) + "</w:tr>")
    tbl.extend(_parsed(head + "".join(
        f"<w:tr>{_ROW_PROPS}" + "".join(
            f"{start}{_runs_xml(text, half_points=TABLE_TEXT_HALF_POINTS)}</w:p></w:tc>"
            for start, text in zip(cells, row, strict=True)) + "</w:tr>"
        for row in block.rows)))


_APP_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>jagtui</Application><DocSecurity>0</DocSecurity>"
    "<Company>{company}</Company></Properties>"
)


def _properties(word, doc: Document) -> None:
    """The file's properties from the document, created and modified now; python-docx's
    template thumbnail dropped and its "Microsoft Macintosh Word" app properties replaced."""
    from datetime import datetime, timezone

    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    now = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)
    props = word.core_properties
    props.title = visible(doc.file_title or doc.title)
    props.subject = visible(doc.subject)
    props.author = visible(doc.author)
    props.last_modified_by = visible(doc.author)
    props.keywords = visible(doc.marking)
    props.category = visible(doc.marking)
    props.comments = ""
    props.created = props.modified = now
    props.revision = 1
    package = word.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rel_id]
        elif rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = _APP_XML.format(company=escape(visible(doc.author))).encode()
