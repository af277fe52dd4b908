-- Per-server settings and the per-server shuffled decks that stop facts repeating.

CREATE TABLE guild_settings (
    guild_id      INTEGER PRIMARY KEY,
    show_spoilers INTEGER NOT NULL DEFAULT 0 CHECK (show_spoilers IN (0, 1)),
    updated_at    REAL NOT NULL
) STRICT;

-- A deck is the not-yet-shown facts of one scope (a topic slug, or '' for all facts) in one
-- server, in shuffled order. Drawing takes the lowest seq; an empty deck is dealt again.
CREATE TABLE fact_decks (
    guild_id   INTEGER NOT NULL,
    scope      TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    fact_rowid INTEGER NOT NULL REFERENCES facts(rowid) ON DELETE CASCADE,
    PRIMARY KEY (guild_id, scope, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX fact_decks_by_fact ON fact_decks (fact_rowid);
