"""Documents: uploads checked by content, bytes in object storage, versions in Postgres,
structured contents validated against the rulebook, and letters rendered from templates."""
