-- Rollouts and their plans; phases, events and the applied-change journal come with the rollout RPCs.
CREATE TABLE rollout (
    id          uuid        PRIMARY KEY,
    name        text        NOT NULL,
    state       text        NOT NULL,
    plan_yaml   text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
