-- Notifications (issue 13): each notifiable event is written here in the transaction of the state
-- change it reports, with the rollout as of that moment; a sender delivers it at least once.
CREATE TABLE rollout_outbox (
    id         bigserial   PRIMARY KEY,
    rollout_id uuid        NOT NULL REFERENCES rollout (id) ON DELETE CASCADE,
    sequence   bigint      NOT NULL,
    event      text        NOT NULL,           -- started, phase-completed, breach, rolled-back, ...
    snapshot   text        NOT NULL,           -- JSON: the event and the rollout as of it
    -- true once one delivery row per destination (plan's and configured defaults) exists
    expanded   boolean     NOT NULL DEFAULT false,
    UNIQUE (rollout_id, sequence)
);
CREATE INDEX rollout_outbox_unexpanded ON rollout_outbox (id) WHERE NOT expanded;

CREATE TABLE rollout_delivery (
    outbox_id       bigint      NOT NULL REFERENCES rollout_outbox (id) ON DELETE CASCADE,
    destination     int         NOT NULL,      -- configured defaults first, then the plan's, by position
    webhook         text        NOT NULL,
    format          text        NOT NULL,      -- JSON or SLACK
    secret_env      text        NOT NULL DEFAULT '',
    from_plan       boolean     NOT NULL,      -- checked against allowed-webhook-urls before each send
    attempts        int         NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz,
    last_error      text        NOT NULL DEFAULT '',
    PRIMARY KEY (outbox_id, destination)
);
CREATE INDEX rollout_delivery_due ON rollout_delivery (next_attempt_at) WHERE delivered_at IS NULL;
