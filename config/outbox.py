"""Queue background work together with the change that calls for it (the outbox pattern).

When the task queue is a table in the site's own database (django_tasks_db, production), the task
row is written inside the caller's transaction: it commits or rolls back with the signature that
needs the email, in one commit instead of two, and a worker process dying between the commit and
the enqueue can no longer lose a confirmation email. Any other backend (the immediate one in
development and tests) is enqueued once the transaction has committed, as before.
"""

from functools import partial

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
