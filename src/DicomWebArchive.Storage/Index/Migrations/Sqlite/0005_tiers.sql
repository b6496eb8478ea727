-- Storage tiers per study. study.tier is the tier readers see: archive from the start of a move to archive until a
-- rehydration completes, otherwise the tier the last completed move reached (both ends of an online move are readable).
-- instance.tier follows each blob as it moves. last_access is when the study was last opened (written at most hourly).
-- tier_move records every move, so one interrupted by a crash is resumed, and doubles as the operation clients poll.

ALTER TABLE study ADD COLUMN tier TEXT NOT NULL DEFAULT 'hot';
ALTER TABLE study ADD COLUMN last_access INTEGER;

CREATE INDEX ix_study_tier ON study (tier, updated_at);

CREATE TABLE tier_move (
    id INTEGER PRIMARY KEY,
    study_instance_uid TEXT NOT NULL,
    source_tier TEXT NOT NULL,
    target_tier TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    requested_by TEXT,
    error TEXT,
    lease_until INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    completed_at INTEGER
);

CREATE INDEX ix_tier_move_status ON tier_move (status, id);
CREATE INDEX ix_tier_move_study ON tier_move (study_instance_uid, status);
