"""A request that only read ends its transaction with COMMIT, not ROLLBACK.

For PostgreSQL both end a transaction that wrote nothing alike. psycopg, though, forgets every
statement it prepared on the connection when it rolls back (a rollback may have removed what
they name), and so PostgreSQL's cached plans go with them. A connection that served only pages
then plans every statement again on every request: the row-level security policies of
documents and their versions nest three subqueries, 2–3 ms of planning for well under 1 ms of
reading, on every list of documents (the detail page, the Kepala Daerah's packages).

Wrote nothing means: the session holds no change to flush nor a job to enqueue after a commit,
and PostgreSQL assigned the transaction no id (``txid_current_if_assigned()`` is null), which
every write, row lock, temporary table and schema change does. Anything else is rolled back as
before, and so is a request that raised.

What this assumes (true of SIKD, and to keep true): the few effects a transaction may have
without an id, which a COMMIT keeps and a ROLLBACK drops, are never used by a request:
NOTIFY/LISTEN, session-wide settings (``SET`` without ``LOCAL``, ``set_config(…, false)``,
``SET ROLE``; the tenant is set transaction-local), cursors ``WITH HOLD``. And the session has
one database (the check asks the connection of the default engine). Behind PgBouncer in
transaction mode nothing is prepared, so nothing is checked there."""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from sikd.core.jobs import PENDING_JOBS


def commit_if_read_only(session: Session) -> bool:
    """Commit the session's transaction when it wrote nothing; True if it did. Otherwise (or
    on any error) leave it to the caller's rollback."""
    if not session.in_transaction():
        return False
    if session.new or session.dirty or session.deleted or session.info.get(PENDING_JOBS):
        return False
    try:
        connection = session.connection()  # the transaction's own; nothing is flushed
        if connection.exec_driver_sql("select txid_current_if_assigned()").scalar() is not None:
            return False
        session.commit()
    except SQLAlchemyError:
        return False
    return True
