package io.ulidmesh.system;

import static io.ulidmesh.testsupport.GrpcAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.ulidmesh.proto.resolution.v1.GenerateRequest;
import io.ulidmesh.proto.resolution.v1.ResolutionServiceGrpc;
import io.ulidmesh.proto.resolution.v1.ResolutionServiceGrpc.ResolutionServiceBlockingStub;
import io.ulidmesh.testsupport.ServiceBasics;
import io.ulidmesh.testsupport.ServiceProcess;
import io.ulidmesh.testsupport.TestCertificates;
import io.ulidmesh.testsupport.TestChannels;
import io.ulidmesh.testsupport.TestPostgres;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TLS on a service's one port, and mTLS (docs/deploy.md, "TLS"): the service as a real process
 * with certificates from deploy/tls/make-local-ca.sh, called by real gRPC clients.
 */
class TlsIT {
    private static final GenerateRequest ONE = GenerateRequest.newBuilder().setCount(1).build();
    private static TestCertificates certs;
    private static String database;

    @BeforeAll
    static void setUp() {
        certs = TestCertificates.make();
        database = TestPostgres.createDatabase("tls_it");
    }

    @AfterAll
    static void tearDown() {
        TestPostgres.dropDatabase(database);
    }

    @Test
    void tlsServesGrpcAndHealthOnTheOnePortAndRefusesPlaintext() throws Exception {
        try (ServiceProcess service = ServiceProcess.startTls("resolution-service", database, certs, false)) {
            ManagedChannel tls = certs.channel(service.port(), false);
            ManagedChannel plain = TestChannels.to(service.port());
            try {
                assertThat(stub(tls).generate(ONE).getUlidsCount()).isEqualTo(1);
                assertThat(ServiceBasics.health(tls)).isEqualTo(ServingStatus.SERVING);
                assertStatus(Status.Code.UNAVAILABLE, () -> stub(plain).generate(ONE));
            } finally {
                tls.shutdownNow();
                plain.shutdownNow();
            }
        }
    }

    @Test
    void mtlsRefusesACallWithoutAClientCertificateButKeepsHealthOpenForProbes() throws Exception {
        try (ServiceProcess service = ServiceProcess.startTls("resolution-service", database, certs, true)) {
            ManagedChannel withCertificate = certs.channel(service.port(), true);
            ManagedChannel withoutCertificate = certs.channel(service.port(), false);
            try {
                assertThat(stub(withCertificate).generate(ONE).getUlidsCount()).isEqualTo(1);
                // The token alone is not enough: the TLS peer must be a client the CA signed.
                assertStatus(Status.Code.UNAUTHENTICATED, () -> stub(withoutCertificate).generate(ONE));
                assertThat(ServiceBasics.health(withoutCertificate)).isEqualTo(ServingStatus.SERVING);
            } finally {
                withCertificate.shutdownNow();
                withoutCertificate.shutdownNow();
            }
        }
    }

    @Test
    void mtlsRefusesAClientCertificateFromAnotherCa() throws Exception {
        TestCertificates other = TestCertificates.make();
        try (ServiceProcess service = ServiceProcess.startTls("resolution-service", database, certs, true)) {
            // Trusts the right server, but presents a certificate the service's CA never signed.
            ManagedChannel channel = certs.channel(service.port(), other);
            try {
                assertStatus(Status.Code.UNAVAILABLE, () -> stub(channel).generate(ONE));
            } finally {
                channel.shutdownNow();
            }
        }
    }

    private static ResolutionServiceBlockingStub stub(ManagedChannel channel) {
        return ResolutionServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    }
}
