-- Storage tiers per study. study.tier is the tier readers see: archive from the start of a move to archive until a
-- rehydration completes, otherwise the tier the last completed move reached (both ends of an online move are readable).
-- instance.tier follows each blob as it moves. last_access is when the study was last opened (written at most hourly).
-- tier_move records every move, so one interrupted by a crash is resumed, and doubles as the operation clients poll.

ALTER TABLE study ADD COLUMN tier TEXT COLLATE "C" NOT NULL DEFAULT 'hot';
ALTER TABLE study ADD COLUMN last_access BIGINT;

CREATE INDEX ix_study_tier ON study (tier, updated_at);

CREATE TABLE tier_move (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    study_instance_uid TEXT COLLATE "C" NOT NULL,
    source_tier TEXT COLLATE "C" NOT NULL,
    target_tier TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    reason TEXT COLLATE "C" NOT NULL,
    requested_by TEXT COLLATE "C",
    error TEXT COLLATE "C",
    lease_until BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    completed_at BIGINT
);

CREATE INDEX ix_tier_move_status ON tier_move (status, id);
CREATE INDEX ix_tier_move_study ON tier_move (study_instance_uid, status);
