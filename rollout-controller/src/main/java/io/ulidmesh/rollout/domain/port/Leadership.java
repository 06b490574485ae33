package io.ulidmesh.rollout.domain.port;

/** Whether this controller is the active one: only the active one changes rollouts. */
public interface Leadership {
    boolean isLeader();
}
