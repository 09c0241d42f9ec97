"""The database a backup reads or a restore writes: libpq parameters from Django's settings."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql


@dataclass(frozen=True)
class Database:
    """One PostgreSQL database, as libpq and the client programs reach it."""

    name: str
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = ""
    embedded: bool = False

    @classmethod
    def from_settings(cls, settings_dict: dict[str, Any]) -> Database:
        """The database of a Django ``DATABASES`` entry; starts the embedded server if need be."""
        data_dir = settings_dict.get("DATA_DIR")
        if data_dir is not None:
            from config import embedded_db

            params = embedded_db.ensure_server(data_dir)
            return cls(
                name=settings_dict.get("NAME") or params["NAME"],
                host=params["HOST"],
                port=params["PORT"],
                user=params["USER"],
                embedded=True,
            )
        return cls(
            name=settings_dict["NAME"],
            host=str(settings_dict.get("HOST") or ""),
            port=str(settings_dict.get("PORT") or ""),
            user=str(settings_dict.get("USER") or ""),
            password=str(settings_dict.get("PASSWORD") or ""),
        )

    def _libpq(self) -> dict[str, str]:
        pairs = {
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "password": self.password,
            "dbname": self.name,
        }
        return {key: value for key, value in pairs.items() if value}

    def env(self) -> dict[str, str]:
        """The process environment for a client program, with libpq's ``PG*`` variables."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        names = {"dbname": "PGDATABASE"}
        for key, value in self._libpq().items():
            env[names.get(key, f"PG{key.upper()}")] = value
        return env

    def connect(self) -> psycopg.Connection:
        """An autocommit psycopg connection."""
        return psycopg.connect(**self._libpq(), autocommit=True, connect_timeout=10)

    def describe(self) -> str:
        where = "内置数据库 / embedded server" if self.embedded else (self.host or "localhost")
        return f"{self.name} @ {where}"


def server_major(db: Database) -> int:
    """The server's major version (``server_version_num`` 150018 → 15)."""
    with db.connect() as conn:
        return int(conn.execute("SHOW server_version_num").fetchone()[0]) // 10000


def user_tables(conn: psycopg.Connection) -> list[str]:
    """Every table outside PostgreSQL's own schemas, as ``schema.table``."""
    rows = conn.execute(
        "SELECT schemaname, tablename FROM pg_tables "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2"
    ).fetchall()
    return [f"{schema}.{table}" for schema, table in rows]


def table_counts(conn: psycopg.Connection) -> dict[str, int]:
    """Exact row counts of every user table."""
    counts = {}
    for qualified in user_tables(conn):
        schema, table = qualified.split(".", 1)
        query = sql.SQL("SELECT count(*) FROM {}.{}").format(
            sql.Identifier(schema), sql.Identifier(table)
        )
        counts[qualified] = conn.execute(query).fetchone()[0]
    return counts
