-- The question bank: curated questions from lalabot/data/questions.json and questions generated
-- from the facts, kept in step by lalabot.store.questions.QuestionStore.sync.
--
-- fact_id is deliberately not a foreign key: a curated question outlives its fact when that
-- fact is removed (e.g. a self-hoster drops the seeds). Such a question stays listed but is not
-- offered to rounds (QuestionStore.candidates joins facts). Generated questions are rebuilt from
-- the facts on every sync, so theirs never dangle for long.

CREATE TABLE questions (
    id         TEXT PRIMARY KEY,            -- q-<topic>-NNN (curated), g-<fact id>-<n> (generated)
    source     TEXT NOT NULL CHECK (source IN ('curated', 'generated')),
    position   INTEGER NOT NULL,            -- order within its source
    question   TEXT NOT NULL,
    answer     TEXT NOT NULL,
    aliases    TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(aliases)),  -- JSON list of strings
    wrong      TEXT NOT NULL CHECK (json_valid(wrong)),                 -- JSON list, 3 strings
    topic      TEXT NOT NULL,               -- a slug from lalabot.core.facts.TOPICS
    difficulty TEXT NOT NULL CHECK (difficulty IN ('easy', 'medium', 'hard')),
    spoiler    INTEGER NOT NULL DEFAULT 0 CHECK (spoiler IN (0, 1)),
    fact_id    TEXT NOT NULL                -- facts.id; may dangle, see above
) STRICT;
CREATE INDEX questions_by_topic ON questions (topic, difficulty);
CREATE INDEX questions_by_source ON questions (source, position);
CREATE INDEX questions_by_fact ON questions (fact_id);

-- Small key/value state of the bank, e.g. the hash of the last sync's inputs.
CREATE TABLE question_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT, WITHOUT ROWID;
