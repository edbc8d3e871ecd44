"""Official documents' machinery: the processes that render pieces of a long PDF."""

import multiprocessing
import os
import signal
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from tracker.reports import pdf


def ended(pid: int) -> bool:
    """Gone, or a zombie (nothing here reaps orphans adopted by PID 1)."""
    status = Path(f"/proc/{pid}/status")
    try:
        return "\nState:\tZ" in status.read_text()
    except FileNotFoundError:
        return True


def start_pool_then_hang(pids) -> None:
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(1, mp_context=context, initializer=pdf.start_piece_process) as pool:
        pids.put(pool.submit(os.getpid).result())
        pool.submit(time.sleep, 60)
        time.sleep(60)


def test_piece_processes_end_when_their_parent_is_killed():
    context = multiprocessing.get_context("fork")
    pids = context.Queue()
    parent = context.Process(target=start_pool_then_hang, args=(pids,))
    parent.start()
    child = None
    try:
        child = pids.get(timeout=30)
        assert not ended(child)
        os.kill(parent.pid, signal.SIGKILL)  # as gunicorn does to a worker past its timeout
        parent.join(10)
        deadline = time.monotonic() + 10
        while not ended(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ended(child)
    finally:
        if parent.is_alive():
            parent.kill()
        if child is not None and not ended(child):
            os.kill(child, signal.SIGKILL)
