"""Search: the query language, the FTS5 engine, index upkeep, spelling and related papers."""
