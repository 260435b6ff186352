"""Which tenant the current unit of work acts for, enforced twice.

1. Application code asks :func:`current_tenant_id` and filters with :func:`scoped`.
2. PostgreSQL row-level security reads the same value: at the start of every
   transaction we ``set_config('sikd.tenant_id', …, true)`` (transaction-local), and
   every tenant-owned table has a policy comparing its ``tenant_id`` with it. A query
   that forgets the filter therefore still sees only the tenant's rows.

System work that legitimately spans tenants (the deadline sweep, tenant sync, the login
lookup by e-mail) runs inside :func:`system_scope`, which sets ``sikd.scope=system``;
the policies admit it explicitly. Nothing else does.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

_tenant: ContextVar[int | None] = ContextVar("sikd_tenant", default=None)
_system: ContextVar[bool] = ContextVar("sikd_system", default=False)


class TenantScopeMissing(RuntimeError):
    """Tenant-owned data was touched with no tenant chosen."""


def current_tenant_id() -> int | None:
    return _tenant.get()


def is_system_scope() -> bool:
    return _system.get()


# session.info key: the (tenant, scope) this transaction's settings hold, so entering and leaving
# a scope that changes nothing (the sweep's nested scopes, one per notification) sends nothing.
_APPLIED = "sikd_scope_applied"
# session.info key: when set, each transaction also commits without waiting for the WAL flush
# (``synchronous_commit=off``, transaction-local), set with the scope in the same statement.
ASYNC_COMMIT = "sikd_async_commit"


def _apply(session: Session, connection: Any = None) -> None:
    tenant = _tenant.get()
    wanted = ("" if tenant is None else str(tenant), "system" if _system.get() else "")
    if connection is None and session.info.get(_APPLIED) == wanted:
        return
    conn = connection if connection is not None else session.connection()
    sql = "select set_config('sikd.tenant_id', :t, true), set_config('sikd.scope', :s, true)"
    if connection is not None and session.info.get(ASYNC_COMMIT):
        sql += ", set_config('synchronous_commit', 'off', true)"
    conn.execute(text(sql), {"t": wanted[0], "s": wanted[1]})
    session.info[_APPLIED] = wanted


@event.listens_for(Session, "after_begin")
def _set_scope_on_begin(session: Session, transaction: Any, connection: Any) -> None:
    _apply(session, connection)


@event.listens_for(Session, "after_transaction_end")
def _forget_applied(session: Session, transaction: Any) -> None:
    # the settings are transaction-local, and a rolled-back savepoint restores the earlier
    # values: after any (sub)transaction ends, the next scope change is sent again
    session.info.pop(_APPLIED, None)


def _reapply_if_in_transaction(on_exit: bool = False) -> None:
    from sqlalchemy.exc import DBAPIError

    from sikd.core.extensions import db

    try:
        session = db.session()
    except RuntimeError:  # outside an app context: nothing to re-apply
        return
    if session.in_transaction():
        try:
            _apply(session)
        except DBAPIError:
            if not on_exit:
                raise
            # Leaving a scope inside an aborted transaction: it can only be rolled back,
            # and the next transaction sets the scope afresh in after_begin.


def set_tenant(tenant_id: int | None) -> None:
    """Choose the tenant for the rest of this context (a request, a job)."""
    _tenant.set(tenant_id)
    _reapply_if_in_transaction()


@contextmanager
def tenant_scope(tenant_id: int | None) -> Iterator[None]:
    token = _tenant.set(tenant_id)
    _reapply_if_in_transaction()
    try:
        yield
    finally:
        _tenant.reset(token)
        _reapply_if_in_transaction(on_exit=True)


@contextmanager
def system_scope() -> Iterator[None]:
    token = _system.set(True)
    _reapply_if_in_transaction()
    try:
        yield
    finally:
        _system.reset(token)
        _reapply_if_in_transaction(on_exit=True)


def owned_by(model: Any, tenant_id: int) -> Any:
    """The application-side tenant filter on one tenant-owned model: ``tenant_id = :tenant``.

    Every app-side tenant clause is built here (and, for cooperations, by
    :func:`sikd.cooperations.access.visibility_filter`), so a test can switch the application
    layer off in one place and show that row-level security alone still stops a leak.
    """
    return model.tenant_id == tenant_id


def scoped(model: Any, tenant_id: int | None = None):
    """``select(model)`` filtered to the current (or given) tenant: the one query helper.

    Note: inside ``tenant_scope(owner)`` (a grantee writing on the owner's record) the current
    tenant is the owner, so a lookup by id alone would reach *any* of the owner's rows; rows of a
    cooperation are therefore also filtered by the cooperation the caller was allowed to see.
    """
    tenant = tenant_id if tenant_id is not None else _tenant.get()
    if tenant is None:
        raise TenantScopeMissing(f"Query on {model.__name__} needs a tenant")
    return select(model).where(owned_by(model, tenant))
