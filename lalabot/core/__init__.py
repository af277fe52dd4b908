"""Discord-free core: pure Python, no I/O, no sleeping. Time and randomness are parameters."""
