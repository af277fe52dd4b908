-- Each locked-in answer is one small row, written in a group commit, instead of a rewrite of
-- the whole round's snapshot per click. A round is its last snapshot plus its answer rows.

CREATE TABLE round_answers (
    round_id       INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    question_index INTEGER NOT NULL,
    player_id      INTEGER NOT NULL,
    given          TEXT NOT NULL,               -- the letter, or the typed text
    at             REAL NOT NULL,               -- when it was given (unix seconds)
    PRIMARY KEY (round_id, question_index, player_id)
) STRICT, WITHOUT ROWID;
