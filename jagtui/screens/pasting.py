"""Pasted text keeps its order, and its control characters are shown, not obeyed.

Two faults met a paste holding escape sequences (``alpha ESC[31mRED ESC[0m omega``,
copied from a coloured terminal or a log):

- Textual's terminal reader, inside a bracketed paste, treats each ESC as the
  start of a key sequence: those characters arrive as *key presses* (typed, or
  taken as commands) and the rest of the paste after them, so the text came out
  as ``^[31mRED^[0m omegaalpha``. :class:`PasteGuard` rewrites each ESC inside a
  paste to U+241B (␛) before the reader sees it, so the paste stays one paste.
- Whatever a paste holds, :func:`neutralise` turns control characters into the
  Unicode "control pictures" (ESC -> ␛, BEL -> ␇, DEL -> ␡; C1 codes as ␛ and
  their 7-bit letter), one for one, in place: the text box shows them and the
  database and minutes keep them, in order, as harmless characters.
"""

from __future__ import annotations

import os
import re
import selectors
from codecs import getincrementaldecoder

from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

ESC = "\x1b"
PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"
SHOWN_ESC = "\u241b"  # ␛
# C0 (but tab, line feed and carriage return), DEL and C1.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _picture(match: re.Match) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"  # ␡
    return SHOWN_ESC + chr(code - 0x40)  # C1: the ESC-letter form it abbreviates (0x9b = ␛[)


def neutralise(text: str) -> str:
    """Control characters as visible pictures, one for one, order kept."""
    return _CONTROL.sub(_picture, text)


class PasteGuard:
    """Rewrites ESC inside bracketed pastes in a stream of terminal input.

    Input comes in chunks that may split a paste's end marker; a possible start of
    it is held back until the next chunk (the terminal always sends the end).
    Outside a paste nothing is held, so a lone Esc key still arrives at once.
    """

    def __init__(self) -> None:
        self.in_paste = False
        self._held = ""
        self._tail = ""  # the last few characters outside a paste: a start split in two

    def __call__(self, data: str) -> str:
        text, self._held = self._held + data, ""
        out: list[str] = []
        i = 0
        while i < len(text):
            if not self.in_paste:
                seen = self._tail + text[i:]
                at = seen.find(PASTE_START)
                if at < 0:
                    out.append(text[i:])
                    self._tail = seen[-(len(PASTE_START) - 1):]
                    break
                end = at + len(PASTE_START) - len(self._tail) + i
                out.append(text[i:end])
                i, self._tail, self.in_paste = end, "", True
                continue
            at = text.find(PASTE_END, i)
            if at < 0:
                body = text[i:]
                cut = body.rfind(ESC)
                if cut >= 0 and PASTE_END.startswith(body[cut:]):
                    body, self._held = body[:cut], body[cut:]
                out.append(body.replace(ESC, SHOWN_ESC))
                break
            out.append(text[i:at].replace(ESC, SHOWN_ESC) + PASTE_END)
            i, self.in_paste = at + len(PASTE_END), False
        return "".join(out)


class PasteSafeDriver(LinuxDriver):
    """Textual's Linux driver, its input passed through a :class:`PasteGuard`.

    ``run_input_thread`` is Textual 8.2's, with the guard before the parser.
    """

    def run_input_thread(self) -> None:
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        fileno = self.fileno
        parser = XTermParser(self._debug)
        guard = PasteGuard()
        decode = getincrementaldecoder("utf-8")().decode

        def process(selector_events, final: bool = False) -> None:
            for n, (_key, mask) in enumerate(selector_events):
                if mask & selectors.EVENT_READ:
                    last = n == len(selector_events) - 1
                    data = decode(os.read(fileno, 1024 * 4), final=final and last)
                    if not data:
                        break
                    for event in parser.feed(guard(data)):
                        self.process_message(event)
            for event in parser.tick():
                self.process_message(event)

        try:
            while not self.exit_event.is_set():
                process(selector.select(0.1))
            selector.unregister(self.fileno)
            process(selector.select(0.1), final=True)
        finally:
            selector.close()
            try:
                for _event in parser.feed(""):
                    pass
            except Exception:
                pass
