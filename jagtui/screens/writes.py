"""Store writes from a screen, in a worker thread, one at a time and in the order asked.

A chair adding three points in quick succession must see them numbered in the
order typed; separate workers could commit them in any order.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from sqlmodel import Session
from textual.dom import DOMNode

from jagtui.store.errors import StoreError

Job = Callable[[Session], Any]


class OrderedWrites:
    """Queue ``job(session)`` writes; each runs in its own ``store.write()`` transaction.

    ``done(result)`` runs on the UI thread after a commit. A refusal (a store
    error or a rule's ValueError) is shown to the user in words, ``failed()``
    runs on the UI thread (to give back what was typed), and later jobs still run.
    """

    def __init__(self, owner: DOMNode) -> None:
        self.owner = owner
        self._jobs: deque[tuple[Job, Callable[[Any], None] | None, Callable[[], None] | None]] = deque()
        self._lock = threading.Lock()
        self._running = False

    def submit(self, job: Job, done: Callable[[Any], None] | None = None,
               failed: Callable[[], None] | None = None) -> None:
        with self._lock:
            self._jobs.append((job, done, failed))
            start, self._running = not self._running, True
        if start:
            self.owner.run_worker(self._drain, thread=True, group="ordered-writes",
                                  exit_on_error=False)

    def _drain(self) -> None:
        app = self.owner.app
        while True:
            with self._lock:
                if not self._jobs:
                    self._running = False
                    return
                job, done, failed = self._jobs.popleft()
            try:
                with app.store.write() as session:
                    result = job(session)
            except Exception as error:
                # A store refusal or a rule's ValueError is a sentence for the user;
                # anything else is a fault: logged without its text (it may name
                # people), said in one line, and the meeting goes on.
                if isinstance(error, (StoreError, ValueError)):
                    line = (str(error).strip().splitlines() or [type(error).__name__])[0]
                    app.call_from_thread(app.notify, line, title="Not saved", severity="error",
                                         timeout=10, markup=False)
                else:
                    app.report_error(error)
                if failed is not None:
                    app.call_from_thread(failed)
                continue
            if done is not None:
                app.call_from_thread(done, result)
