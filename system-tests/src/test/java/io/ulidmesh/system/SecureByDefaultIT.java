package io.ulidmesh.system;

import static io.ulidmesh.testsupport.GrpcAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.ulidmesh.common.actor.Actor;
import io.ulidmesh.proto.resolution.v1.GenerateRequest;
import io.ulidmesh.proto.resolution.v1.RegisterRequest;
import io.ulidmesh.proto.resolution.v1.ResolutionServiceGrpc;
import io.ulidmesh.proto.resolution.v1.ResolveRequest;
import io.ulidmesh.testsupport.ServiceProcess;
import io.ulidmesh.testsupport.TestChannels;
import io.ulidmesh.testsupport.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docs/architecture.md, "Identity and roles": secure by default, the anonymous role, auth off. */
class SecureByDefaultIT {
    private static String database;

    @BeforeAll
    static void createDatabase() {
        database = TestPostgres.createDatabase("secure_by_default");
    }

    @AfterAll
    static void dropDatabase() {
        TestPostgres.dropDatabase(database);
    }

    @Test
    void withAuthOnAndNoKeyAServiceRefusesToStartAndNamesTheSetting() throws Exception {
        assertThatThrownBy(() -> ServiceProcess.start("resolution-service", database,
                Map.of("mp.jwt.verify.publickey.location", "")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("exited");
        Path log = Files.list(Path.of("target", "service-logs")).filter(p -> p.getFileName().toString().startsWith("resolution-service"))
                .max((a, b) -> Long.compare(a.toFile().lastModified(), b.toFile().lastModified())).orElseThrow();
        assertThat(Files.readString(log)).contains("MP_JWT_VERIFY_PUBLICKEY_LOCATION").contains("ULIDMESH_AUTH=off");
    }

    @Test
    void theAnonymousRoleLetsUntokenedCallsReadAndNothingMore() {
        try (ServiceProcess service = ServiceProcess.start("resolution-service", database,
                Map.of("ulidmesh.auth.anonymous-role", "viewer"))) {
            ManagedChannel anonymous = TestChannels.withoutToken(service.port());
            try {
                var stub = ResolutionServiceGrpc.newBlockingStub(anonymous).withDeadlineAfter(20, TimeUnit.SECONDS);
                assertStatus(Status.Code.NOT_FOUND, () -> stub.resolve(ResolveRequest.newBuilder()
                        .setUlid("01ARZ3NDEKTSV4RRFFQ69G5FAV").build()));
                assertStatus(Status.Code.PERMISSION_DENIED, () -> stub.generate(GenerateRequest.newBuilder().setCount(1).build()),
                        "needs role service", "'anonymous' has role viewer");
            } finally {
                anonymous.shutdownNow();
            }
        }
    }

    @Test
    void withAuthOffTheActorHeaderIsTrustedForATrustedLocalSetup() throws Exception {
        try (ServiceProcess service = ServiceProcess.start("resolution-service", database, Map.of("ulidmesh.auth.mode", "off"))) {
            ManagedChannel plain = TestChannels.withoutToken(service.port());
            try {
                var stub = ResolutionServiceGrpc.newBlockingStub(plain).withDeadlineAfter(20, TimeUnit.SECONDS)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(Actor.header("local-dev")));
                String ulid = stub.generate(GenerateRequest.newBuilder().setCount(1).build()).getUlids(0);
                assertThat(stub.register(RegisterRequest.newBuilder().setUlid(ulid).setSystem("crackerjack")
                        .setReferenceType("job").setReference("j-1").build()).getRegisteredBy()).isEqualTo("local-dev");
            } finally {
                plain.shutdownNow();
            }
            Path log = Path.of("target", "service-logs", "resolution-service-" + service.port() + ".log");
            assertThat(Files.readString(log)).contains("authentication is OFF");
        }
    }
}
