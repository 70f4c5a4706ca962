"""A small document model rendered to Markdown and to Word.

Exports describe what a document says once (headings, paragraphs, numbered
points, tables) and the two renderers decide how it looks, so the Markdown
and the .docx of the same minutes cannot drift apart. The protective marking
goes at the top and bottom of the Markdown and into the header and footer of
every page of the Word file.

All text is user text: the Markdown renderer escapes what Markdown would
obey, and control characters are shown as ``\\xNN`` (they are not allowed in
Word's XML at all).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from io import BytesIO

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


def _repeat_header_row(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


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


def _add_text(paragraph, text: str, *, bold: bool = False, italic: bool = False) -> None:
    """Text with its line breaks kept as breaks inside the paragraph."""
    lines = visible(text).strip("\n").split("\n")
    for n, line in enumerate(lines):
        run = paragraph.add_run(line)
        run.bold = bold or None
        run.italic = italic or None
        if n < len(lines) - 1:
            run.add_break()


def render_docx(doc: Document) -> bytes:
    from docx import Document as Word
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
    props = word.core_properties
    props.title = visible(doc.title)
    props.subject = visible(doc.subject)
    props.author = visible(doc.author)
    props.last_modified_by = visible(doc.author)
    props.keywords = visible(doc.marking)
    props.category = visible(doc.marking)
    props.comments = ""

    title = word.add_paragraph(style="Title")
    _add_text(title, doc.title)
    for block in doc.blocks:
        if isinstance(block, Heading):
            _add_text(word.add_heading(level=min(block.level, 9)), block.text)
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


def _add_table(word, block: Table) -> None:
    from docx.shared import Cm, Pt

    table = word.add_table(rows=1, cols=len(block.headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, block.headers, strict=True):
        _add_text(cell.paragraphs[0], text, bold=True)
    _repeat_header_row(table.rows[0])
    for row in block.rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            _add_text(cell.paragraphs[0], text)
    if block.widths_cm:
        table.autofit = False
        for row in table.rows:
            for cell, width in zip(row.cells, block.widths_cm, strict=False):
                cell.width = Cm(width)
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9.5)
