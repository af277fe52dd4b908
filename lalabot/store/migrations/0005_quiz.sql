-- Quiz rounds, kept as they change so a killed bot resumes them, and the questions each
-- server has been asked, so none repeats until the bank (for that filter) is used up.

CREATE TABLE rounds (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,           -- 0 for a console round
    channel_id  INTEGER NOT NULL,
    starter_id  INTEGER NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('running', 'finished', 'cancelled')),
    options     TEXT NOT NULL,              -- JSON: how the round was asked for
    snapshot    TEXT NOT NULL,              -- JSON: lalabot.core.quiz.Round.to_snapshot()
    messages    TEXT NOT NULL DEFAULT '{}', -- JSON: question index -> message id
    created_at  REAL NOT NULL,
    updated_at  REAL NOT NULL
) STRICT;

-- At most one running round per channel, whatever races the adapters run into.
CREATE UNIQUE INDEX rounds_one_running_per_channel ON rounds (channel_id) WHERE state = 'running';
CREATE INDEX rounds_by_state ON rounds (state) WHERE state = 'running';

CREATE TABLE asked_questions (
    guild_id    INTEGER NOT NULL,
    question_id TEXT NOT NULL,
    asked_at    REAL NOT NULL,
    PRIMARY KEY (guild_id, question_id)
) STRICT, WITHOUT ROWID;
