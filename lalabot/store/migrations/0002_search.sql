-- Search support: an unstemmed twin of facts_fts, kept only for its vocabulary.
--
-- facts_fts stores porter stems ("gosl", "academi"), which are no good for spelling correction
-- or for showing "did you mean ..." to a player. facts_words indexes the same three columns
-- with the same tokenizer minus porter, so its vocabulary is the set of surface words exactly
-- as SQLite tokenised them (lower case, diacritics removed). detail = 'none' and
-- columnsize = 0 keep it small: it is never queried with MATCH, only read via facts_words_vocab.

CREATE VIRTUAL TABLE facts_words USING fts5(
    text, topics, entities,
    content = 'facts', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2',
    detail = 'none', columnsize = 0
);

-- One row per distinct surface word: term, doc (facts containing it), cnt.
CREATE VIRTUAL TABLE facts_words_vocab USING fts5vocab(facts_words, 'row');

INSERT INTO facts_words (facts_words) VALUES ('rebuild');

CREATE TRIGGER facts_words_ai AFTER INSERT ON facts BEGIN
    INSERT INTO facts_words (rowid, text, topics, entities)
    VALUES (new.rowid, new.text, new.topics, new.entities);
END;

CREATE TRIGGER facts_words_ad AFTER DELETE ON facts BEGIN
    INSERT INTO facts_words (facts_words, rowid, text, topics, entities)
    VALUES ('delete', old.rowid, old.text, old.topics, old.entities);
END;

CREATE TRIGGER facts_words_au AFTER UPDATE OF text, topics, entities ON facts BEGIN
    INSERT INTO facts_words (facts_words, rowid, text, topics, entities)
    VALUES ('delete', old.rowid, old.text, old.topics, old.entities);
    INSERT INTO facts_words (rowid, text, topics, entities)
    VALUES (new.rowid, new.text, new.topics, new.entities);
END;
