-- A server's fact deck becomes one row holding the shuffled rowids still to show, so dealing a
-- deck writes one row instead of one per fact (under load, the deals held the write lock).

DROP TABLE fact_decks;

CREATE TABLE fact_decks (
    guild_id  INTEGER NOT NULL,
    scope     TEXT NOT NULL,                -- a topic slug, or '' for all facts
    remaining TEXT NOT NULL,                -- JSON array of fact rowids, next first
    PRIMARY KEY (guild_id, scope)
) STRICT, WITHOUT ROWID;
