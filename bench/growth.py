"""How the store's heavy paths grow with the size of the database.

    .venv/bin/python bench/growth.py 1000 10000 100000

For each size: builds (once) an SQLite database with jagtui.demo.scale, then
times the case list (all open cases with harm and flags), reading the list's
search texts (once per load) and one search keystroke over them, the flag board
and one case file; medians of three runs.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(sizes: list[int]) -> None:
    from jagtui.store.case_listing import search_rows
    from jagtui.config import DEFAULTS_PATH, load_config
    from jagtui.demo.scale import build_scale
    from jagtui.store.casefile import case_file
    from jagtui.store.case_search import case_search_texts
    from jagtui.store.caselist import case_rows
    from jagtui.store.db import create_store, open_store
    from jagtui.store.flagboard import flag_board

    cfg = load_config(DEFAULTS_PATH)
    today = date.today()
    print("| cases | incidents | open cases | case list | search texts | keystroke 'oak' "
          "| flag board | case file |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for size in sizes:
        path = HERE / ".data" / f"growth-{size}.db"
        path.parent.mkdir(exist_ok=True)
        if not path.exists():
            store = create_store(f"sqlite:///{path}", "bench")
            build_scale(store, cfg, today, cases=size)
            store.dispose()
        store = open_store(f"sqlite:///{path}", "bench")

        def median(fn) -> float:
            runs = []
            for _ in range(3):
                started = time.perf_counter()
                fn()
                runs.append(time.perf_counter() - started)
            return statistics.median(runs)

        with store.read() as session:
            rows = case_rows(session, cfg, today)
            listing = median(lambda: case_rows(session, cfg, today))
            texts = case_search_texts(session, [row.id for row in rows])
            loading = median(lambda: case_search_texts(session, [row.id for row in rows]))
            search = median(lambda: search_rows(rows, texts, "oak"))
            board = median(lambda: flag_board(session, cfg, today))
            one = median(lambda: case_file(session, cfg, today, rows[0].id))
        store.dispose()
        print(f"| {size:,} | {size * 10:,} | {len(rows):,} | {listing * 1000:.0f} ms "
              f"| {loading * 1000:.0f} ms | {search * 1000:.1f} ms | {board * 1000:.0f} ms | {one * 1000:.0f} ms |", flush=True)


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [1000, 10000])
