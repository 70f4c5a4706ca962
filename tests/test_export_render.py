"""Each export as it prints: converted to PDF by LibreOffice and read back with
pdftotext, as an officer checks the papers before circulating them.

From the demo database (its own generator's meetings, actions and plan): the full
and redacted Word minutes of the latest JAG meeting, that meeting's action log,
the whole action log and plan progress (Excel). For each PDF: the page count is
within bounds, every action reference the export holds is in the text, nothing is
drawn beyond the page's edge, and a spreadsheet's every page carries its header
row (all the columns fit the page width). Skipped only where LibreOffice is not
installed and this is not CI; CI installs it (``.ci/run``).
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select

from export_fixture import TODAY, exports_cfg
from jagtui.export.action_log import export_action_log
from jagtui.export.minutes import export_minutes
from jagtui.export.plan_progress import export_plan
from jagtui.store.minutes import minutes_data
from jagtui.store.models import Meeting


def _tool(name: str) -> str | None:
    found = shutil.which(name)
    if found is None and name == "soffice":
        found = shutil.which("libreoffice")
    if found is None and os.environ.get("CI"):
        pytest.fail(f"{name} is required in CI (see .ci/run)")
    return found


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, cfg):
    soffice, pdftotext = _tool("soffice"), _tool("pdftotext")
    if soffice is None or pdftotext is None:
        pytest.skip("LibreOffice or pdftotext is not installed")
    from jagtui.demo import build_demo
    from jagtui.store.db import create_store

    folder = tmp_path_factory.mktemp("render")
    store = create_store(f"sqlite:///{folder / 'demo.db'}", "tester")
    try:
        build_demo(store, cfg, TODAY)
        ecfg = exports_cfg(cfg, folder / "exports")
        with store.read() as session:
            meeting = session.scalars(select(Meeting).where(Meeting.subgroup == "JAG")
                                      .order_by(Meeting.held_on.desc())).first()
            data = minutes_data(session, cfg, meeting.id)
        refs = {"minutes": [line.ref for line in data.action_log + data.actions_raised]}
        files = {
            "minutes": _one(export_minutes(store, ecfg, meeting.id, formats=["docx"])),
            "redacted": _one(export_minutes(store, ecfg, meeting.id, redacted=True,
                                            formats=["docx"])),
            "meeting log": _one(export_action_log(store, ecfg, meeting_id=meeting.id,
                                                  formats=["xlsx"])),
            "action log": _one(export_action_log(store, ecfg, status=None, today=TODAY,
                                                 formats=["xlsx"])),
            "plan": _one(export_plan(store, ecfg, today=TODAY, formats=["xlsx"])),
        }
        # The refs each spreadsheet holds, from its CSV twin.
        refs["redacted"] = refs["minutes"]
        for name, kwargs in (("meeting log", {"meeting_id": meeting.id}),
                             ("action log", {"status": None, "today": TODAY})):
            twin = _one(export_action_log(store, ecfg, formats=["csv"], **kwargs))
            with twin.open(encoding="utf-8-sig", newline="") as fh:
                refs[name] = [row[0] for row in list(csv.reader(fh))[1:]]
    finally:
        store.dispose()
    out = folder / "pdf"
    done = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{folder / 'lo-profile'}",
         "--convert-to", "pdf", "--outdir", str(out), *map(str, files.values())],
        capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    pdfs = {}
    for name, path in files.items():
        pdf = out / (path.stem + ".pdf")
        assert pdf.exists(), (name, done.stdout, done.stderr)
        pdfs[name] = _read(pdftotext, pdf)
    return pdfs, refs


def _one(paths):
    (path,) = paths
    return path


def _read(pdftotext: str, pdf) -> dict:
    """Pages (width, height, words with their boxes, text) as pdftotext -bbox sees them."""
    xhtml = subprocess.run([pdftotext, "-bbox", str(pdf), "-"], capture_output=True,
                           text=True, timeout=120, check=True).stdout
    xhtml = re.sub(r"<!DOCTYPE[^>]*>", "", xhtml)
    root = ET.fromstring(xhtml)
    pages = []
    for page in root.iter("{http://www.w3.org/1999/xhtml}page"):
        boxes = [(float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")),
                  float(w.get("yMax")), w.text or "")
                 for w in page.iter("{http://www.w3.org/1999/xhtml}word")]
        pages.append({"width": float(page.get("width")), "boxes": boxes,
                      "words": [(x0, x1, word) for x0, _, x1, _, word in boxes],
                      "text": " ".join(box[4] for box in boxes)})
    return {"pages": pages}


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


BOUNDS = {"minutes": (2, 40), "redacted": (2, 40), "meeting log": (1, 15),
          "action log": (1, 25), "plan": (6, 60)}


@pytest.mark.parametrize("name", list(BOUNDS))
def test_each_export_prints_whole_within_the_page(rendered, name):
    pdfs, refs = rendered
    pages = pdfs[name]["pages"]
    low, high = BOUNDS[name]
    assert low <= len(pages) <= high, (name, len(pages))
    # Nothing drawn off the page: a table wider than the page would run off its edge.
    for n, page in enumerate(pages, 1):
        for x_min, x_max, word in page["words"]:
            assert x_min >= 0 and x_max <= page["width"] + 0.5, (name, n, word, x_max)
    # Every action the export holds is there to read (a wrapped ref still counts).
    text = _squeezed(" ".join(page["text"] for page in pages))
    assert refs.get(name, True)
    missing = [ref for ref in refs.get(name, []) if _squeezed(ref) not in text]
    assert not missing, (name, missing[:5])
    marking = "OFFICIAL-SENSITIVE"
    assert all(marking in page["text"] for page in pages), name


def _overlaps(boxes) -> list[tuple[str, str]]:
    """Pairs of words drawn over each other (wrapped text spilling into the next row)."""
    found = []
    ordered = sorted(boxes, key=lambda b: b[1])
    for n, (x0, y0, x1, y1, word) in enumerate(ordered):
        for a0, b0, a1, b1, other in ordered[n + 1:]:
            if b0 >= y1 - 0.5:
                break
            overlap_x = min(x1, a1) - max(x0, a0)
            overlap_y = min(y1, b1) - max(y0, b0)
            if overlap_x > 1.0 and overlap_y > 0.3 * min(y1 - y0, b1 - b0):
                found.append((word, other))
    return found


@pytest.mark.parametrize("name", list(BOUNDS))
def test_text_is_readable_and_never_drawn_over_other_text(rendered, name):
    pages = rendered[0][name]["pages"]
    heights = sorted(y1 - y0 for page in pages for _, y0, _, y1, _ in page["boxes"])
    # Body text prints at 7 pt or more (a sheet squeezed onto one page printed at 3 pt).
    assert heights[len(heights) // 2] >= 7.0, (name, heights[len(heights) // 2])
    for n, page in enumerate(pages, 1):
        clashes = _overlaps(page["boxes"])
        assert not clashes, (name, n, clashes[:5])
    if name in ("minutes", "redacted"):
        # Within the text area: A4's 2 cm margins (56.7 pt), less a point's slack.
        for page in pages:
            assert max(x1 for _, _, x1, _, _ in page["boxes"]) <= page["width"] - 55


def _on_one_line(pages, ref: str) -> bool:
    """Some occurrence of ``ref`` is drawn on one line (its words at one height)."""
    tokens = ref.split()
    for page in pages:
        boxes = page["boxes"]
        for n in range(len(boxes) - len(tokens) + 1):
            run = boxes[n:n + len(tokens)]
            if [b[4] for b in run] == tokens and max(b[1] for b in run) - min(b[1] for b in run) < 1:
                return True
    return False


@pytest.mark.parametrize("name", ["minutes", "redacted", "meeting log", "action log"])
def test_action_refs_are_never_broken_across_lines(rendered, name):
    pdfs, refs = rendered
    broken = sorted({ref for ref in refs[name] if not _on_one_line(pdfs[name]["pages"], ref)})
    assert not broken, (name, broken[:5])


@pytest.mark.parametrize("name", ["meeting log", "action log"])
def test_every_spreadsheet_page_has_the_whole_header_row(rendered, name):
    """Fitted to the width: each page shows the header from the first column to the last."""
    pages = rendered[0][name]["pages"]
    for n, page in enumerate(pages, 1):
        assert "Ref" in page["text"] and "Update date" in page["text"], (name, n)
        assert re.search(r"Page \d+ of \d+", page["text"]), (name, n)
