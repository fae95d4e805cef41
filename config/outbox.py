"""Queue background work together with the change that calls for it (the outbox pattern).

When the task queue is a table in the site's own database (django_tasks_db, production), the task
row is written inside the caller's transaction: it commits or rolls back with the signature that
needs the email, in one commit instead of two, and a worker process dying between the commit and
the enqueue can no longer lose a confirmation email. Any other backend (the immediate one in
development and tests) is enqueued once the transaction has committed, as before.
"""

import time
from datetime import UTC, datetime
from functools import partial

from django.core.cache import cache
from django.db import transaction

TRANSACTIONAL_BACKENDS = ("django_tasks_db.backend.DatabaseBackend",)


def _is_transactional(backend) -> bool:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}" in TRANSACTIONAL_BACKENDS


def enqueue_with_transaction(task_obj, /, *args, **kwargs) -> None:
    """Enqueue `task_obj(*args, **kwargs)` so that it exists only if the current transaction commits."""
    if transaction.get_connection().in_atomic_block and _is_transactional(task_obj.get_backend()):
        task_obj.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(partial(task_obj.enqueue, *args, **kwargs))


# Per process: the last window each key was claimed in (by this process or another).
_claimed: dict[str, int] = {}


def _now() -> float:
    return time.time()


def enqueue_once_per_window(task_obj, key: str, seconds: int, /, *args) -> None:
    """Queue `task_obj(*args)` to run when the current window of `seconds` closes, once.

    For work that catches up with everything before it (a count refresh, a sweep of new
    signatures): a surge queues one task per window instead of one per request. Windows are
    slices of the clock; the first request of a window on any server claims it in the shared
    cache and queues the task for just after its end, so the task sees every change made by a
    request in that window (each request makes its change before it looks). Each process asks
    the cache once per window, not once per request. Backends that cannot run a task later (the
    immediate one of development and tests) run it after each change instead.
    """
    if not task_obj.get_backend().supports_defer:
        enqueue_with_transaction(task_obj, *args)
        return
    window = int(_now() // seconds)
    if _claimed.get(key) == window:
        return
    _claimed[key] = window
    if cache.add(f"{key}:{window}", 1, seconds * 2 + 1):
        # Half a second after the window: clocks of different servers never quite agree.
        end = datetime.fromtimestamp((window + 1) * seconds + 0.5, tz=UTC)
        enqueue_with_transaction(task_obj.using(run_after=end), *args)


def forget_claimed_windows() -> None:
    """For tests: each test starts with no window claimed, as its cache starts empty."""
    _claimed.clear()
