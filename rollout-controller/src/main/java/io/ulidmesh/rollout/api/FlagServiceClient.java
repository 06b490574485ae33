package io.ulidmesh.rollout.api;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ulidmesh.proto.flags.v1.Flag;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.GetFlagRequest;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.proto.flags.v1.SetFlagsRequest;
import java.util.List;
import io.ulidmesh.rollout.domain.port.FlagPort;
import io.ulidmesh.rollout.domain.port.FlagState;
import io.ulidmesh.rollout.domain.port.FlagVersionConflict;
import java.util.Optional;
import java.util.function.Supplier;

/** flag-service over gRPC. */
public class FlagServiceClient implements FlagPort {
    private final PeerChannels channels;
    private final String address;

    public FlagServiceClient(PeerChannels channels, String address) {
        this.channels = channels;
        this.address = address;
    }

    @Override
    public Optional<FlagState> getFlag(String name) {
        try {
            return Optional.of(state(stub().getFlag(GetFlagRequest.newBuilder().setName(name).build())));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw PeerChannels.failure("GetFlag " + name, e);
        }
    }

    @Override
    public List<FlagState> setFlags(List<FlagWrite> writes) throws FlagVersionConflict {
        SetFlagsRequest.Builder request = SetFlagsRequest.newBuilder();
        for (FlagWrite w : writes) {
            SetFlagRequest.Builder entry = SetFlagRequest.newBuilder().setName(w.name()).setExpectedVersion(w.expectedVersion())
                    .setReason(w.reason());
            // a delete entry sets no state (flag-service refuses one that does)
            request.addFlags(w.delete() ? entry.setDelete(true) : entry.setBasisPoints(w.basisPoints()));
        }
        String what = "SetFlags " + String.join(", ", writes.stream().map(FlagWrite::name).toList());
        return write(what, () -> stub().setFlags(request.build())).getFlagsList().stream().map(FlagServiceClient::state).toList();
    }

    private static FlagState state(Flag f) {
        return new FlagState(f.getBasisPoints(), f.getVersion());
    }

    /** A flag write whose ABORTED answer (expected_version no longer current) is a {@link FlagVersionConflict}. */
    private static <T> T write(String what, Supplier<T> call) throws FlagVersionConflict {
        try {
            return call.get();
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.ABORTED) {
                throw new FlagVersionConflict(what + ": " + e.getStatus().getDescription(), e);
            }
            throw PeerChannels.failure(what, e);
        }
    }

    private FlagServiceGrpc.FlagServiceBlockingStub stub() {
        return channels.stub(address, FlagServiceGrpc::newBlockingStub);
    }
}
