"""Run functions at the same moment on real PostgreSQL connections, one per thread."""

import threading

from django.db import connection


def race(target, *args_per_thread):
    """Call `target(*args)` once per argument tuple, all released together by a barrier.

    Returns each call's result, or the exception it raised (the outcome is what tests assert on).
    Each thread has its own database connection, closed when it is done.
    """
    barrier = threading.Barrier(len(args_per_thread))
    results = []
    lock = threading.Lock()

    def run(*args):
        try:
            barrier.wait(timeout=10)
            outcome = target(*args)
        except Exception as exc:  # noqa: BLE001 - the outcome is what we assert on
            outcome = exc
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=args) for args in args_per_thread]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results
