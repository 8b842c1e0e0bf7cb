"""Fast, consistent-sampler-compatible ticket ranking.

The scan runs in the optional C accelerator ``_accel`` (threads, one per CPU) when it was
built, else in pure Python (optional fork pool); both give identical output.

The ticket of ``id`` under ``seed`` is ``"0." + "{:064d}".format(h)[::-1]`` with
``h = int(sha256((sha256(seed).hexdigest() + id).encode()).hexdigest(), 16)``.
Comparing tickets compares the least significant decimal digits of ``h`` first, so a
cheap key ``h % 10**5`` (digit-reversed) decides almost every comparison; the exact full
tickets are only computed for the few candidates that can reach the requested prefix.
``SSJ_DRAW_ACCEL=0`` (read at import) forces the pure-Python scan.
"""

from __future__ import annotations

import gc
import hashlib
import math
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

try:
    from . import _accel
except ImportError:  # built without a C compiler: the pure-Python scan below
    _accel = None

Ranked = list[tuple[str, str]]  # (ticket, id) in ticket order

_K = 5
_M = 10**_K
_PARALLEL_MIN = 200_000  # below this many ids a pool costs more than it saves
_THREADED_MIN = 25_000  # the same for threads running the C scan

# True when draws use the C accelerator (the bench and the tests report it).
ACCELERATED = _accel is not None and os.environ.get("SSJ_DRAW_ACCEL", "").strip() != "0"

Jobs = dict[str, dict[str, Any]]


def seed_hash(seed: str) -> str:
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


def ticket_of(h: int) -> str:
    return "0." + f"{h:064d}"[::-1]


def ticket(seed: str, id_: str) -> str:
    """Reference ticket (exactly consistent_sampler.first_fraction)."""
    digest = hashlib.sha256((seed_hash(seed) + id_).encode("utf-8")).hexdigest()
    return ticket_of(int(digest, 16))


def fixed_width_blob(ids_json: bytes, count: int, width: int = 18) -> bool:
    """True when ``ids_json`` is ``["<w bytes>","<w bytes>",...]`` with no escapes."""
    stride = width + 3
    if count == 0 or len(ids_json) != stride * count + 1 or b"\\" in ids_json:
        return False
    quote_n = b'"' * count
    return (
        ids_json.count(b'"') == 2 * count
        and ids_json[1::stride] == quote_n
        and ids_json[width + 2 :: stride] == quote_n
    )


def disjoint(blobs: list[bytes]) -> bool:
    """True when the fixed-width id lists hold no id twice, in one list or in two, provided
    each list is ascending (the scan checks that); False when unknown (no accelerator, more
    than 64 lists) or not so. One C merge over the canonical JSON instead of a sort."""
    if not ACCELERATED or len(blobs) > 64:
        return False
    return not _accel.has_duplicate(blobs, 2, 21, 18)


def _accept_table(threshold: int) -> bytes:
    """Table over ``h % 10**K``: 1 where the ticket's first K digits are < threshold."""
    table = bytearray(_M)
    for prefix in range(min(threshold, _M)):
        table[int(f"{prefix:0{_K}d}"[::-1])] = 1
    return bytes(table)


def _threshold(population: int, take: int) -> int:
    expected = take * 1.05 + 8 * math.sqrt(take) + 64
    return math.ceil(expected * _M / population)


def _low_mask(table: bytes) -> int:
    """Mask of low bits of ``h`` that are zero for every accepted ``h % 10**K``.

    ``2**K`` divides ``10**K``, so ``h % 2**j`` (the last digest byte) is known before
    the big-integer reduction; it lets the scan skip most ids of low-rate strata early.
    """
    zeros = 8
    residue = table.find(1)
    while residue != -1:  # visits only the accepted residues (bytes.find runs in C)
        tz = (residue & -residue).bit_length() - 1 if residue else 8
        zeros = min(zeros, tz, _K)
        if zeros == 0:
            break
        residue = table.find(1, residue + 1)
    return (1 << zeros) - 1


class OrderError(ValueError):
    """The ids of a stratum are not strictly ascending (found while scanning)."""

    def __init__(self, stratum: str) -> None:
        super().__init__(stratum)
        self.stratum = stratum


def _scan(jobs: Jobs, key: str, start: int, stop: int) -> list[tuple[str, int]]:
    """Candidates ``(ticket, index)`` of stratum ``key`` for ids ``start..stop``.

    On the fixed-width path the ids are also checked to be strictly ascending (the record
    before ``start`` included), which costs one bytes comparison per id.
    """
    job = jobs[key]
    if ACCELERATED:
        return _scan_accel(job, key, start, stop)
    cp = job["base"].copy
    fb = int.from_bytes
    table = job["table"]
    mask = job["mask"]
    hits: list[tuple[int, int]] = []
    append = hits.append
    blob = job["blob"]
    if blob is not None:
        prev = blob[21 * start - 19 : 21 * start - 1] if start else b""
        ordered = True
        if mask:
            for off in range(2 + 21 * start, 2 + 21 * stop, 21):
                cur = blob[off : off + 18]
                if cur <= prev:
                    ordered = False
                prev = cur
                c = cp()
                c.update(cur)
                d = c.digest()
                if not d[31] & mask:
                    v = fb(d, "big")
                    if table[v % _M]:
                        append((v, off))
        else:
            for off in range(2 + 21 * start, 2 + 21 * stop, 21):
                cur = blob[off : off + 18]
                if cur <= prev:
                    ordered = False
                prev = cur
                c = cp()
                c.update(cur)
                v = fb(c.digest(), "big")
                if table[v % _M]:
                    append((v, off))
        if not ordered and job["check_order"]:
            raise OrderError(key)
        return [(ticket_of(v), (off - 2) // 21) for v, off in hits]
    ids = job["ids"]
    for i in range(start, stop):
        c = cp()
        c.update(ids[i].encode("utf-8"))
        v = fb(c.digest(), "big")
        if table[v % _M]:
            append((v, i))
    return [(ticket_of(v), i) for v, i in hits]


def _scan_accel(job: dict[str, Any], key: str, start: int, stop: int) -> list[tuple[str, int]]:
    """``_scan`` in C: the fixed-width scan releases the GIL (threads share the work)."""
    blob = job["blob"]
    if blob is None:
        return _accel.scan_strs(
            job["seed_hash"], job["ids"], start, stop, job["table"], job["mask"]
        )
    found, ordered = _accel.scan(
        job["seed_hash"], blob, 2, 21, 18, start, stop, job["table"], job["mask"]
    )
    if not ordered and job["check_order"]:
        raise OrderError(key)
    return found


Found = list[tuple[str, list[tuple[str, int]]]]


def _shares(tasks: list[tuple[str, int, int]], workers: int) -> list[list[tuple[str, int, int]]]:
    """Every stratum split into ``workers`` equal ranges, one list of ranges per worker."""
    shares: list[list[tuple[str, int, int]]] = [[] for _ in range(workers)]
    for key, start, stop in tasks:
        n = stop - start
        for w in range(workers):
            lo, hi = start + n * w // workers, start + n * (w + 1) // workers
            if hi > lo:
                shares[w].append((key, lo, hi))
    return shares


def _scan_threaded(jobs: Jobs, tasks: list[tuple[str, int, int]], workers: int) -> Found:
    """C scan only: this thread scans the first share, ``workers - 1`` threads the others
    (the C loop runs without the GIL, so they use every core)."""

    def run(share: list[tuple[str, int, int]]) -> Found:
        return [(k, _scan(jobs, k, lo, hi)) for k, lo, hi in share]

    shares = _shares(tasks, workers)
    outcomes: list[Found | BaseException | None] = [None] * len(shares)

    def worker(n: int) -> None:
        try:
            outcomes[n] = run(shares[n])
        except BaseException as exc:  # noqa: BLE001 - raised in the calling thread below
            outcomes[n] = exc

    # plain threads: concurrent.futures would add its import time to every `ssj draw`
    threads = [
        threading.Thread(target=worker, args=(n,), name=f"ssj-draw-{n}", daemon=True)
        for n in range(1, len(shares))
    ]
    for thread in threads:
        thread.start()
    try:
        results = run(shares[0])
    finally:
        for thread in threads:
            thread.join()
    for outcome in outcomes[1:]:
        if isinstance(outcome, BaseException):
            raise outcome
        results.extend(outcome or [])
    return results


def _scan_forked(jobs: Jobs, tasks: list[tuple[str, int, int]], workers: int) -> Found:
    """Pure-Python scan: this process scans the first share, forked children (which
    inherit ``jobs``) the others, each sending back only its candidates."""
    import pickle

    shares = _shares(tasks, workers)
    children: list[tuple[int, int]] = []
    try:
        for share in shares[1:]:
            read_fd, write_fd = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the child
                os.close(read_fd)
                try:
                    payload = pickle.dumps(
                        ("ok", [(k, _scan(jobs, k, lo, hi)) for k, lo, hi in share])
                    )
                except BaseException as exc:  # noqa: BLE001 - reported to the parent
                    payload = pickle.dumps(("error", exc))
                with os.fdopen(write_fd, "wb") as fh:
                    fh.write(payload)
                os._exit(0)
            os.close(write_fd)
            children.append((pid, read_fd))
        results = [(k, _scan(jobs, k, lo, hi)) for k, lo, hi in shares[0]]
        while children:
            pid, read_fd = children[0]
            with os.fdopen(read_fd, "rb") as fh:
                data = fh.read()
            os.waitpid(pid, 0)
            children.pop(0)
            if not data:
                raise RuntimeError("抽取子进程异常退出 (worker process died)")
            status, payload = pickle.loads(data)  # noqa: S301 - our own child's output
            if status == "error":
                raise payload
            results.extend(payload)
        return results
    finally:
        for pid, read_fd in children:  # only after an error: leave nothing behind
            try:
                os.close(read_fd)
                os.kill(pid, 9)
                os.waitpid(pid, 0)
            except OSError:
                pass


def _workers(threads: bool = False) -> int:
    """Workers (threads for the C scan, else processes): ``SSJ_DRAW_WORKERS`` if set
    (1 = serial), else one per usable CPU; processes only where ``fork`` is available (the
    results are identical either way)."""
    if not threads and not hasattr(os, "fork"):
        return 1
    configured = os.environ.get("SSJ_DRAW_WORKERS", "").strip()
    if configured.isdigit():
        return max(1, int(configured))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


@contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic GC: with millions of ids a full collection walks every one."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def rank_many(
    seed: str,
    strata: dict[str, tuple[Sequence[str], int]],
    *,
    blobs: dict[str, bytes] | None = None,
    workers: int | None = None,
    ids_sorted: bool = False,
) -> dict[str, Ranked]:
    """For each stratum ``key -> (ids, take)`` return its ``take`` smallest tickets in order.

    ``blobs`` may give each stratum's canonical JSON id list (used directly when every id
    is 18 bytes, as credit codes are). Ties (equal tickets) are broken by id, as in
    consistent-sampler's heap of ``(ticket, id, generation)`` tuples; with ``ids_sorted``
    (ascending, as in an announcement) the index order is the id order, and on the
    fixed-width path a stratum that is not strictly ascending raises :class:`OrderError`.
    With the C accelerator the workers are threads; otherwise forked processes, and then
    nothing may touch the id objects while they run: a reference-count write in this
    process would copy the shared memory pages (copy-on-write) and double the footprint.
    """
    with no_gc():  # forked workers inherit the paused state
        return _rank_many(seed, strata, blobs=blobs, workers=workers, ids_sorted=ids_sorted)


def _rank_many(
    seed: str,
    strata: dict[str, tuple[Sequence[str], int]],
    *,
    blobs: dict[str, bytes] | None,
    workers: int | None,
    ids_sorted: bool,
) -> dict[str, Ranked]:
    head = seed_hash(seed).encode("ascii")  # 64 bytes: exactly one SHA-256 block
    base = hashlib.sha256(head)
    blobs = blobs or {}
    result: dict[str, Ranked] = {}
    tasks: list[tuple[str, int, int]] = []
    total = 0
    jobs: Jobs = {}
    for key, (ids, take) in strata.items():
        population = len(ids)
        take = min(take, population)
        if take <= 0:
            result[key] = []
            continue
        blob = blobs.get(key)
        if blob is not None and not fixed_width_blob(blob, population):
            blob = None
        threshold = _threshold(population, take)
        table = _accept_table(threshold)
        jobs[key] = {
            "seed_hash": head,
            "base": base,
            "table": table,
            "mask": _low_mask(table),
            "blob": blob,
            "ids": ids,
            "take": take,
            "full": threshold >= _M,
            "check_order": ids_sorted,
        }
        total += population
        tasks.append((key, 0, population))
    threads = ACCELERATED
    if workers is None:
        big = total >= (min(_THREADED_MIN, _PARALLEL_MIN) if threads else _PARALLEL_MIN)
        workers = _workers(threads) if big else 1
    found: dict[str, list[tuple[str, int]]] = {key: [] for key, _, _ in tasks}
    if workers > 1 and tasks:
        scan = _scan_threaded if threads else _scan_forked
        for key, part in scan(jobs, tasks, workers):
            found[key].extend(part)
    else:
        for key, start, stop in tasks:
            found[key].extend(_scan(jobs, key, start, stop))
    for key, _, _ in tasks:
        job = jobs[key]
        ids = job["ids"]
        take = job["take"]
        cands = found[key]
        if len(cands) < take and not job["full"]:
            # Statistically (far) beyond 8 sigma; recompute exactly over everything.
            job["table"] = b"\x01" * _M
            job["mask"] = 0
            job["full"] = True
            cands = _scan(jobs, key, 0, len(ids))
        if ids_sorted:
            result[key] = [(t, ids[i]) for t, i in sorted(cands)[:take]]
        else:
            result[key] = sorted([(t, ids[i]) for t, i in cands])[:take]
    return result


def rank(seed: str, ids: Sequence[str], take: int | None = None) -> Ranked:
    """The ``take`` (default: all) smallest tickets of ``ids`` in ticket order."""
    take = len(ids) if take is None else take
    return rank_many(seed, {"_": (ids, take)}, workers=1)["_"]
