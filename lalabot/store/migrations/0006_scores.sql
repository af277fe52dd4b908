-- Per-server scores: seasons, the rounds recorded, one result row per player per round, a
-- maintained per-season total per player, and every answer (for favourite topics, export and
-- forget). Everything is keyed by guild_id first: scores are strictly per server.
--
-- Read paths (see lalabot.store.scores):
--   all-time boards  -> score_totals through one index per sort: ORDER BY ... LIMIT 10
--   week/month boards -> a range of score_results, clustered by (guild, season, finished_at),
--                        ranked on 2-3 aggregates; the page's full figures then come from
--                        score_results_by_player
--   /stats           -> score_totals by primary key, a rank count on an index, score_answers
--   export / forget  -> the *_by_player indexes and score_answers' primary key

-- Season 1 is implicit: it begins with a server's first round. Each reset adds a row.
CREATE TABLE score_seasons (
    guild_id   INTEGER NOT NULL,
    season     INTEGER NOT NULL CHECK (season >= 2),
    started_at REAL NOT NULL,                 -- unix seconds
    started_by INTEGER NOT NULL,              -- the admin who reset
    PRIMARY KEY (guild_id, season)
) STRICT, WITHOUT ROWID;

-- A round is recorded once: this row makes a second record_round of it a no-op.
CREATE TABLE score_rounds (
    guild_id    INTEGER NOT NULL,
    round_id    INTEGER NOT NULL,
    season      INTEGER NOT NULL,
    channel_id  INTEGER NOT NULL,
    finished_at REAL NOT NULL,
    players     INTEGER NOT NULL,
    recorded_at REAL NOT NULL,
    PRIMARY KEY (guild_id, round_id)
) STRICT, WITHOUT ROWID;

-- One row per player per round. The primary key clusters a server's season by time, so a
-- week or month board reads one contiguous range of this table (it covers itself).
CREATE TABLE score_results (
    guild_id      INTEGER NOT NULL,
    season        INTEGER NOT NULL,
    finished_at   REAL NOT NULL,
    round_id      INTEGER NOT NULL,
    player_id     INTEGER NOT NULL,
    points        INTEGER NOT NULL,
    right_answers INTEGER NOT NULL,
    answered      INTEGER NOT NULL,
    best_streak   INTEGER NOT NULL,
    rank          INTEGER NOT NULL,
    won           INTEGER NOT NULL CHECK (won IN (0, 1)),
    PRIMARY KEY (guild_id, season, finished_at, round_id, player_id)
) STRICT, WITHOUT ROWID;
-- A player's results, covering the figures of a week or month board's page, export and forget.
-- player_id leads so that the period board's GROUP BY player_id is not tempted to read a whole
-- server's history through it (in player order) instead of one time range of the table.
CREATE INDEX score_results_by_player ON score_results
    (player_id, guild_id, season, finished_at, points, won, right_answers, answered, best_streak);

-- The running total of each player in each season of each server, kept by record_round.
CREATE TABLE score_totals (
    guild_id        INTEGER NOT NULL,
    season          INTEGER NOT NULL,
    player_id       INTEGER NOT NULL,
    rounds          INTEGER NOT NULL,
    wins            INTEGER NOT NULL,
    points          INTEGER NOT NULL,
    right_answers   INTEGER NOT NULL,
    answered        INTEGER NOT NULL,
    best_streak     INTEGER NOT NULL,
    first_played_at REAL NOT NULL,
    last_played_at  REAL NOT NULL,
    accuracy        REAL GENERATED ALWAYS AS (
        CASE WHEN answered > 0 THEN CAST(right_answers AS REAL) / answered END
    ) VIRTUAL,
    PRIMARY KEY (guild_id, season, player_id)
) STRICT, WITHOUT ROWID;
-- One index per sort, in the board's exact order (primary key, tie-breaks, player id).
CREATE INDEX score_totals_by_points
    ON score_totals (guild_id, season, points DESC, wins DESC, player_id);
CREATE INDEX score_totals_by_wins
    ON score_totals (guild_id, season, wins DESC, points DESC, player_id);
CREATE INDEX score_totals_by_streak
    ON score_totals (guild_id, season, best_streak DESC, points DESC, player_id);
-- 20 = lalabot.core.leaderboard.ACCURACY_MIN_ANSWERS (a test checks they agree).
CREATE INDEX score_totals_by_accuracy
    ON score_totals (guild_id, season, accuracy DESC, answered DESC, player_id)
    WHERE answered >= 20;
CREATE INDEX score_totals_by_player ON score_totals (guild_id, player_id, season);

-- Every answer given, clustered by player: favourite topic, export and forget read one range.
CREATE TABLE score_answers (
    guild_id    INTEGER NOT NULL,
    player_id   INTEGER NOT NULL,
    season      INTEGER NOT NULL,
    round_id    INTEGER NOT NULL,
    question_id TEXT NOT NULL,
    topic       TEXT NOT NULL,                -- a topic slug, or '' when unknown
    correct     INTEGER NOT NULL CHECK (correct IN (0, 1)),
    points      INTEGER NOT NULL,
    answered_at REAL NOT NULL,
    PRIMARY KEY (guild_id, player_id, season, round_id, question_id)
) STRICT, WITHOUT ROWID;
