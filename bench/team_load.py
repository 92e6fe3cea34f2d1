"""Team load: 10 simulated users on one PostgreSQL through two app processes.

``python -m bench.team_load [--users 10] [--rounds 8] [--url postgresql://…]``

Each app process opens the workbench once (as ``workbench serve`` does) and serves half of the
users from threads, each on its own session view (``Workbench.session()``: its own database
connection and signed-in user, the process's model and index, as the app gives every browser
session); every user signs in with a password, then repeats lookup (a claim's words as the
query), compare (that claim) and note save (create or update the claim's note, under the
process's write lock, as the app's note editor does; a version conflict is re-read and saved
again, as a user would). Latency per action: p50/p95 in seconds; errors
(anything but a resolved conflict) must be 0. Without ``--url`` a private PostgreSQL 15 is
started with ``scripts/pg-private.sh``. Data: the seed plus the Afghanistan/Pakistan slice of
the current-events set when ../shared/data is present.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from bench.common import EVENTS_QUICK, ROOT, write_result

ACTIONS = ("sign_in", "lookup", "compare", "note_save")


def _settings(url: str, schema: str, data: Path) -> dict[str, Any]:
    return {"database_url": url, "database_schema": schema, "data": data}


def prepare(
    url: str, schema: str, data: Path, users: int, quick: bool = False
) -> tuple[list[int], float]:
    """Ingest the corpus (as a checker) and create the users; returns claim ids to work on."""
    from workbench.api import Workbench

    t0 = time.perf_counter()
    with Workbench.open(settings=None, **_settings(url, schema, data)) as wb:
        wb.users.add("admin", "admin", "admin-password", actor="bootstrap")
        for i in range(users):
            wb.users.add(f"user{i}", "editor" if i % 5 == 0 else "checker", f"pw-user-{i}", "admin")
        wb.sign_in("admin", "admin-password")
        targets: list[str | Path] = [ROOT / "seeds"]
        if EVENTS_QUICK.exists() and not quick:
            targets.append(EVENTS_QUICK)
        wb.ingest(targets)
        ids = [int(i) for i in wb.store.all_claim_ids()]
    return ids, time.perf_counter() - t0


def _user(base: Any, lock: threading.Lock, name: str, password: str, claims: list[int],
          rounds: int, seed: int, out: dict[str, list[float]], errors: list[str],
          conflicts: list[int]) -> None:  # fmt: skip
    from workbench.errors import ConflictError

    rng = random.Random(seed)
    wb = base.session()  # this user's browser session: own connection, shared model + index
    try:
        t = time.perf_counter()
        wb.sign_in(name, password, client=f"bench-{name}")  # the password check takes no lock
        out["sign_in"].append(time.perf_counter() - t)
    except Exception as exc:  # counted, never raised: the benchmark reports errors
        errors.append(f"{name} sign_in: {exc}")
        wb.close()
        return
    for _ in range(rounds):
        claim = rng.choice(claims)
        try:
            text = wb.claim(claim).text
            t = time.perf_counter()
            wb.search(" ".join(text.split()[:12]), k=10)
            out["lookup"].append(time.perf_counter() - t)
            t = time.perf_counter()
            wb.compare(claim)
            out["compare"].append(time.perf_counter() - t)
            t = time.perf_counter()
            for _attempt in range(5):
                try:
                    with lock:  # the app's write lock (ui/common.write_lock)
                        note = wb.notes.live_for(claim, "claim")
                        if note is None:
                            wb.notes.add(claim, "mixed", rationale=f"{name} looked")
                        else:
                            wb.notes.update(note.id, note.version,
                                            rationale=f"{note.rationale[:200]}; {name}")  # fmt: skip
                    break
                except ConflictError:
                    conflicts.append(1)
            out["note_save"].append(time.perf_counter() - t)
        except Exception as exc:
            errors.append(f"{name} claim {claim}: {type(exc).__name__}: {exc}")
    wb.close()


def app_process(url: str, schema: str, data: str, users: list[int], claims: list[int],
                rounds: int, start: Any, queue: Any) -> None:  # fmt: skip
    """One app process: open the workbench once, warm it, serve its users from threads."""
    from workbench.api import Workbench

    wb = Workbench.open(token="", **_settings(url, schema, Path(data)))  # acts as nobody
    wb.embedder.encode_query("warm up")
    _ = wb.index
    out: dict[str, list[float]] = {a: [] for a in ACTIONS}
    errors: list[str] = []
    conflicts: list[int] = []
    lock = threading.Lock()  # the app's per-process write lock (ui/common.write_lock)
    start.wait()
    threads = [
        threading.Thread(
            target=_user,
            args=(wb, lock, f"user{i}", f"pw-user-{i}", claims, rounds, i, out, errors, conflicts),
        )
        for i in users
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wb.close()
    queue.put({"latency": out, "errors": errors, "conflicts": len(conflicts)})


def _private_pg() -> tuple[str, Path]:
    where = Path(tempfile.mkdtemp(prefix="workbench-bench-pg."))
    url = subprocess.run(["bash", str(ROOT / "scripts" / "pg-private.sh"), "start", str(where)],
                         check=True, capture_output=True, text=True).stdout.strip()  # fmt: skip
    return url, where


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="The seed only (a smoke run).")
    ap.add_argument("--url", default=os.environ.get("WORKBENCH_BENCH_DATABASE_URL", ""))
    args = ap.parse_args(argv)
    own_pg = None
    url = args.url
    if not url:
        url, own_pg = _private_pg()
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    data = Path(tempfile.mkdtemp(prefix="workbench-bench-data."))
    try:
        claims, prep = prepare(url, schema, data, args.users, args.quick)
        print(f"prepared {len(claims)} claims in {prep:.0f} s", file=sys.stderr)
        ctx = mp.get_context("spawn")
        start, queue = ctx.Event(), ctx.Queue()
        groups = [list(range(args.users))[p :: args.processes] for p in range(args.processes)]
        procs = [
            ctx.Process(
                target=app_process,
                args=(url, schema, str(data), g, claims, args.rounds, start, queue),
            )
            for g in groups
        ]
        for p in procs:
            p.start()
        time.sleep(1)
        t0 = time.perf_counter()
        start.set()
        results = [queue.get(timeout=3600) for _ in procs]
        wall = time.perf_counter() - t0
        for p in procs:
            p.join()
    finally:
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        if own_pg is not None:
            subprocess.run(["bash", str(ROOT / "scripts" / "pg-private.sh"), "stop", str(own_pg)],
                           check=False)  # fmt: skip
            shutil.rmtree(own_pg, ignore_errors=True)
        shutil.rmtree(data, ignore_errors=True)
    table: dict[str, dict[str, float]] = {}
    for action in ACTIONS:
        xs = [x for r in results for x in r["latency"][action]]
        table[action] = {"p50_s": float(np.percentile(xs, 50)) if xs else float("nan"),
                         "p95_s": float(np.percentile(xs, 95)) if xs else float("nan"),
                         "n": len(xs)}  # fmt: skip
    errors = [e for r in results for e in r["errors"]]
    summary = {"users": args.users, "processes": args.processes, "rounds": args.rounds,
               "claims": len(claims), "wall_s": wall, "actions": table, "errors": len(errors),
               "error_samples": errors[:5], "conflicts_resolved": sum(r["conflicts"] for r in results)}  # fmt: skip
    write_result("team_load", summary)
    print("| action | p50 (s) | p95 (s) | n |\n|---|---|---|---|")
    for action, row in table.items():
        print(f"| {action} | {row['p50_s']:.3f} | {row['p95_s']:.3f} | {row['n']} |")
    print(f"errors: {len(errors)}; conflicts resolved by re-reading: {summary['conflicts_resolved']};"
          f" wall {wall:.1f} s")  # fmt: skip
    return summary


if __name__ == "__main__":
    main()
