-- Source documents and the facts drawn from them, with an FTS5 index kept in step by triggers.

CREATE TABLE documents (
    name        TEXT PRIMARY KEY,           -- the file name, e.g. la_la_land_trivia.txt
    sha256      TEXT NOT NULL,              -- raw bytes hash:pipeline version; unchanged: skipped
    kind        TEXT NOT NULL,              -- list | article
    imported_at REAL NOT NULL               -- unix seconds
) STRICT;

CREATE TABLE facts (
    rowid     INTEGER PRIMARY KEY,
    id        TEXT NOT NULL UNIQUE,         -- stable, derived from the normalised text
    document  TEXT NOT NULL REFERENCES documents(name) ON DELETE CASCADE,
    position  INTEGER NOT NULL,             -- order within the document
    text      TEXT NOT NULL,
    spoiler   INTEGER NOT NULL DEFAULT 0 CHECK (spoiler IN (0, 1)),
    topics    TEXT NOT NULL,                -- denormalised for the FTS index: slugs and names
    entities  TEXT NOT NULL                 -- denormalised for the FTS index: names
) STRICT;
CREATE INDEX facts_by_document ON facts (document, position);

CREATE TABLE fact_topics (
    topic     TEXT NOT NULL,                -- a slug from lalabot.core.facts.TOPICS
    fact_rowid INTEGER NOT NULL REFERENCES facts(rowid) ON DELETE CASCADE,
    rank      INTEGER NOT NULL,             -- 0 = the fact's main topic
    PRIMARY KEY (topic, fact_rowid)
) STRICT, WITHOUT ROWID;
CREATE INDEX fact_topics_by_fact ON fact_topics (fact_rowid);

CREATE TABLE entities (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL UNIQUE,
    kind  TEXT NOT NULL CHECK (kind IN ('person', 'song', 'film', 'place'))
) STRICT;

CREATE TABLE fact_entities (
    entity_id  INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    fact_rowid INTEGER NOT NULL REFERENCES facts(rowid) ON DELETE CASCADE,
    position   INTEGER NOT NULL,            -- order of first mention in the fact
    PRIMARY KEY (entity_id, fact_rowid)
) STRICT, WITHOUT ROWID;
CREATE INDEX fact_entities_by_fact ON fact_entities (fact_rowid);

CREATE VIRTUAL TABLE facts_fts USING fts5(
    text, topics, entities,
    content = 'facts', content_rowid = 'rowid',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER facts_ai AFTER INSERT ON facts BEGIN
    INSERT INTO facts_fts (rowid, text, topics, entities)
    VALUES (new.rowid, new.text, new.topics, new.entities);
END;

CREATE TRIGGER facts_ad AFTER DELETE ON facts BEGIN
    INSERT INTO facts_fts (facts_fts, rowid, text, topics, entities)
    VALUES ('delete', old.rowid, old.text, old.topics, old.entities);
END;

CREATE TRIGGER facts_au AFTER UPDATE OF text, topics, entities ON facts BEGIN
    INSERT INTO facts_fts (facts_fts, rowid, text, topics, entities)
    VALUES ('delete', old.rowid, old.text, old.topics, old.entities);
    INSERT INTO facts_fts (rowid, text, topics, entities)
    VALUES (new.rowid, new.text, new.topics, new.entities);
END;
