#!/bin/bash
# First start of the postgres container: the owner role (migrations) and the app role
# (owns no table, so row-level security always applies to it).
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
create role sikd_owner login password '${SIKD_OWNER_PASSWORD}' nosuperuser nobypassrls;
create role sikd_app login password '${SIKD_APP_PASSWORD}' nosuperuser nobypassrls;
create database sikd owner sikd_owner;
\connect sikd
alter schema public owner to sikd_owner;
grant connect on database sikd to sikd_app;
grant usage on schema public to sikd_app;
alter default privileges for role sikd_owner in schema public
  grant select, insert, update, delete on tables to sikd_app;
alter default privileges for role sikd_owner in schema public
  grant usage, select on sequences to sikd_app;
SQL
