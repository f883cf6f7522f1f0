"""Who owns the transaction: entry points do, actions join it.

An entry point (a view, an API endpoint, a CLI command, a task or a unit of durable work)
opens the one durable transaction of what it does with `entry_point()`. Actions open a
plain `transaction.atomic()`: called from an entry point they join its transaction (as a
savepoint), called alone (a test, the shell) they get one of their own. So actions compose:
an operation made of several actions commits or rolls back as one, and its `on_commit`
work (waking workers, live pages) runs once, after the whole of it.

An Event records a change in the transaction of that change; `require_transaction()` makes
appending one outside any transaction an error instead of a silent, separate commit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, overload

from django.db import connections, transaction
from django.db.transaction import Atomic

F = TypeVar("F", bound=Callable[..., Any])


class NoTransactionError(RuntimeError):
    """A write that must be part of a change's transaction ran outside any."""


@overload
def entry_point(func: F) -> F: ...
@overload
def entry_point(func: None = None) -> Atomic: ...
def entry_point(func: F | None = None) -> F | Atomic:
    """The durable transaction of an entry point, as a decorator or a context manager.

    Durable: it refuses to run inside another transaction, so an entry point can never be
    folded by mistake into a caller's transaction that commits later (or never)."""
    if func is None:
        return transaction.atomic(durable=True)
    return transaction.atomic(durable=True)(func)


def in_transaction(using: str = "default") -> bool:
    """True inside a transaction opened by Klient's code. The transaction a test case
    wraps around each test does not count: code under test must open its own, as it does
    in production."""
    connection = connections[using]
    if not connection.in_atomic_block:
        return False
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def require_transaction(what: str, using: str = "default") -> None:
    if not in_transaction(using):
        raise NoTransactionError(
            f"{what} must happen inside the transaction of the change "
            "(an action's transaction.atomic() or an entry point's entry_point())."
        )


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def reads_only(view: F) -> F:
    """Marks a view that answers a POST without changing anything (a draft checked while
    it is written): WriteRequestMiddleware runs it without a transaction, so it never
    waits for, nor holds, the embedded database's write lock."""
    view.klient_reads_only = True  # type: ignore[attr-defined]
    return view


class WriteRequestMiddleware:
    """Every write request (POST, PUT, PATCH, DELETE) to a view or the API is an entry
    point: the view runs in one durable transaction, and one that ends in an error (an
    exception, or an answer of 400 or more) changes nothing. Reads, and views marked
    `reads_only`, run without one.

    The view is called here, from process_view, so the transaction holds only the view's
    own work: the session and messages are saved, and templates rendered, after it
    commits."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        return self.get_response(request)

    def process_view(
        self,
        request: Any,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> Any:
        if request.method not in WRITE_METHODS or getattr(view_func, "klient_reads_only", False):
            return None
        with entry_point():
            response = view_func(request, *view_args, **view_kwargs)
            if response.status_code >= 400:
                transaction.set_rollback(True)
        return response
