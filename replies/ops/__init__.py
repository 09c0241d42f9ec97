"""Operations: PostgreSQL client tools, backup and restore archives."""
