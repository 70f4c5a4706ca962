"""``jagtui demo``: a database of fictional data to learn and test on."""

from __future__ import annotations

from datetime import date

from jagtui.commands.common import login


def register(sub, common) -> None:
    parser = sub.add_parser("demo", parents=[common], help="build a database of fictional demo data")
    parser.add_argument("--open", action="store_true", help="open the app on it afterwards")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    parser.add_argument("--scale", choices=("small", "large"), default="small",
                        help="small: a JAG's two years (default); large: a county's five years "
                        "(10,000 cases, 100,000 incidents) for benchmarks")
    parser.add_argument("--cases", type=int, default=10_000, help="with --scale large: how many cases")
    parser.set_defaults(handler=demo)


def demo(args, cfg) -> int:
    import time

    from jagtui.config import user_data_dir
    from jagtui.demo import build_demo
    from jagtui.store.db import create_store, resolve_url, sqlite_path

    if getattr(args, "db", None):
        url = resolve_url(args.db)
    else:
        # The default demo file is ours to rebuild; a named --db is never overwritten.
        path = user_data_dir() / "demo.db"
        for stale in (path, path.with_name("demo.db-wal"), path.with_name("demo.db-shm")):
            stale.unlink(missing_ok=True)
        url = resolve_url(path)
    started = time.perf_counter()
    store = create_store(url, login(), busy_timeout_ms=cfg.database.busy_timeout_ms)
    try:
        if args.scale == "large":
            from jagtui.demo.scale import build_scale

            summary = build_scale(store, cfg, date.today(), cases=args.cases, seed=args.seed)
        else:
            summary = build_demo(store, cfg, date.today(), seed=args.seed)
    finally:
        store.dispose()
    where = sqlite_path(url) or store.url
    print(f"Demo database ready at {where} ({summary}) in {time.perf_counter() - started:.1f}s")
    if args.open:
        from jagtui.commands.run import run

        args.db = url
        return run(args, cfg)
    print(f"Open it with: jagtui --db {where}")
    return 0
