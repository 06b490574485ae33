package io.ulidmesh.rollout.it;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ulidmesh.proto.rollout.v1.GetRolloutRequest;
import io.ulidmesh.proto.rollout.v1.PhaseState;
import io.ulidmesh.proto.rollout.v1.ReportSignalRequest;
import io.ulidmesh.proto.rollout.v1.Rollout;
import io.ulidmesh.proto.rollout.v1.RolloutServiceGrpc;
import io.ulidmesh.proto.rollout.v1.RolloutState;
import io.ulidmesh.testsupport.ServiceProcess;
import io.ulidmesh.testsupport.TestChannels;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** A rollout-controller process of an IT, with its channel and a client acting as it-operator. */
record ControllerProcess(ServiceProcess process, ManagedChannel channel, RolloutServiceGrpc.RolloutServiceBlockingStub client)
        implements AutoCloseable {

    static ControllerProcess start(String jdbcUrl, int port, Map<String, String> config) {
        ServiceProcess p = ServiceProcess.start("rollout-controller", jdbcUrl, port, config);
        ManagedChannel ch = TestChannels.to(p.port());
        return new ControllerProcess(p, ch, RolloutServiceGrpc.newBlockingStub(TestChannels.as(ch, "it-operator")));
    }

    /** The rollout once {@code condition} holds, read every 50 ms for up to 30 s (UNAVAILABLE while a standby takes over). */
    Rollout await(String id, Predicate<Rollout> condition) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        Rollout r = null;
        while (System.nanoTime() < deadline) {
            try {
                r = client.getRollout(GetRolloutRequest.newBuilder().setId(id).build());
                if (condition.test(r)) {
                    return r;
                }
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
                    throw e;
                }
            }
            sleep(50);
        }
        throw new AssertionError("rollout " + id + " never reached the condition; last: " + r);
    }

    /** Pushes one value; answers the rollouts whose rollback it triggered. */
    List<String> report(String signal, double value) {
        return client.reportSignal(ReportSignalRequest.newBuilder().setName(signal).setValue(value).build()).getRollbacksTriggeredList();
    }

    /** {@link #report} to a standby, retried while it answers UNAVAILABLE: the value counts once, on the new leader. */
    List<String> reportOnceLeader(String signal, double value) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                return report(signal, value);
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            sleep(50);
        }
    }

    static boolean baking(Rollout r, int phase) {
        return r.getState() == RolloutState.RUNNING && r.getCurrentPhase() == phase
                && r.getPhases(phase).getState() == PhaseState.PHASE_BAKING;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
        process.close();
    }
}
