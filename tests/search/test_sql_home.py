"""The database holds exactly the search functions of ``replies/search/sql/``: each file,
created again in a scratch schema, gives the same definition as the installed function."""

from __future__ import annotations

import pytest
from django.db import connection

from replies.search import schema

pytestmark = pytest.mark.django_db


def definition(schema_name: str, signature: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_functiondef(%s::regprocedure)", [f"{schema_name}.{signature}"]
        )
        return cursor.fetchone()[0].replace(f"{schema_name}.", "")


def test_every_search_function_is_the_body_of_its_file():
    installed = {sig: definition("public", sig) for sig in schema.FUNCTIONS}
    with connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA sql_home_check")
        cursor.execute("SET LOCAL search_path = sql_home_check, public")
        for signature, filename in schema.FUNCTIONS.items():
            cursor.execute(schema.function_sql(filename))
            assert definition("sql_home_check", signature) == installed[signature], filename


def test_no_search_function_lives_outside_the_files():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.oid::regprocedure::text FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = 'public' AND p.proname LIKE 'replies\\_search\\_%'"
        )
        found = {row[0] for row in cursor.fetchall()}
    assert found == set(schema.FUNCTIONS)
