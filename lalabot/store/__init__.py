"""SQLite storage over aiosqlite: one module per table group."""
