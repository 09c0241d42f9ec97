"""Names and limits of the search schema, and the one home of its SQL functions.

The current body of every search function is a file in ``replies/search/sql/``; migrations
install them with :func:`install` (migration 0016), and ``tests/search/test_sql_home.py``
checks that the database holds exactly those bodies. To change a function: edit its file and
add a migration that runs :func:`install` again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

TABLE = "replies_replysearch"
CHUNK_TABLE = "replies_replysearchchunk"
GENERATION_SEQUENCE = "replies_search_generation"

#: Above this many bytes of text the gram function returns NULL (a tsvector must stay under
#: 1 MB); such a reply is matched through its chunks instead (grams.sql has the same figure).
GRAMS_MAX_BYTES = 100_000

SQL_DIR = Path(__file__).with_name("sql")

#: Each search function (its signature) and the file defining it, in install order.
FUNCTIONS = {
    "replies_search_grams(text)": "grams.sql",
    "replies_search_match(text,tsquery,tsquery)": "match.sql",
    "replies_search_head(tsquery,text[])": "head.sql",
    "replies_search_words(tsquery)": "words.sql",
    "replies_search_bump_generation()": "generation.sql",
}


def function_sql(filename: str) -> str:
    """The SQL text of one function file."""
    return (SQL_DIR / filename).read_text(encoding="utf-8")


def install(schema_editor: Any) -> None:
    """Create or replace every search function with the body of its file."""
    for filename in FUNCTIONS.values():
        schema_editor.execute(function_sql(filename))
