"""Django's PostgreSQL backend on the embedded server, started by the first connection."""
