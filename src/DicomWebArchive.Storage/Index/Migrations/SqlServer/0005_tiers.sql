-- Storage tiers per study. study.tier is the tier readers see: archive from the start of a move to archive until a
-- rehydration completes, otherwise the tier the last completed move reached (both ends of an online move are readable).
-- instance.tier follows each blob as it moves. last_access is when the study was last opened (written at most hourly).
-- tier_move records every move, so one interrupted by a crash is resumed, and doubles as the operation clients poll.

ALTER TABLE study ADD tier NVARCHAR(16) COLLATE Latin1_General_100_BIN2 NOT NULL CONSTRAINT df_study_tier DEFAULT 'hot';
ALTER TABLE study ADD last_access BIGINT NULL;
GO

CREATE INDEX ix_study_tier ON study (tier, updated_at);

CREATE TABLE tier_move (
    id BIGINT IDENTITY(1,1) PRIMARY KEY,
    study_instance_uid NVARCHAR(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
    source_tier NVARCHAR(16) COLLATE Latin1_General_100_BIN2 NOT NULL,
    target_tier NVARCHAR(16) COLLATE Latin1_General_100_BIN2 NOT NULL,
    status NVARCHAR(16) COLLATE Latin1_General_100_BIN2 NOT NULL,
    reason NVARCHAR(32) COLLATE Latin1_General_100_BIN2 NOT NULL,
    requested_by NVARCHAR(400) COLLATE Latin1_General_100_BIN2 NULL,
    error NVARCHAR(2000) COLLATE Latin1_General_100_BIN2 NULL,
    lease_until BIGINT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    completed_at BIGINT NULL
);

CREATE INDEX ix_tier_move_status ON tier_move (status, id);
CREATE INDEX ix_tier_move_study ON tier_move (study_instance_uid, status);
