package io.ulidmesh.rollout.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ulidmesh.common.auth.ClientConfig;
import io.ulidmesh.common.auth.ClientToken;
import io.ulidmesh.rollout.api.FlagServiceClient;
import io.ulidmesh.rollout.api.PeerChannels;
import io.ulidmesh.rollout.domain.port.FlagPort;
import io.ulidmesh.rollout.domain.port.PeerFailure;
import io.ulidmesh.testsupport.ServiceProcess;
import io.ulidmesh.testsupport.TestCertificates;
import io.ulidmesh.testsupport.TestPostgres;
import io.ulidmesh.testsupport.TestTokens;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The controller calls its peers over TLS with the configured trust store, presenting its certificate to mTLS peers. */
class PeerTlsIT {

    @Test
    void theControllerWritesFlagsToAnMtlsFlagServiceOnlyWithItsClientCertificate() throws Exception {
        TestCertificates certs = TestCertificates.make();
        String database = TestPostgres.createDatabase("rollout_peer_tls");
        try (ServiceProcess flags = ServiceProcess.startTls("flag-service", database, certs, true)) {
            Optional<ClientToken> token = Optional.of(new ClientToken(TestTokens.file(TestTokens.token("rollout-controller", "admin"))));
            String address = "localhost:" + flags.port();
            try (PeerChannels withCertificate = new PeerChannels(Duration.ofSeconds(10), token, Set.of(address),
                    RolloutBeans.peerTls(client(certs.ca(), certs.clientCert(), certs.clientKey())))) {
                FlagServiceClient client = new FlagServiceClient(withCertificate, address);
                assertThat(client.setFlags(List.of(new FlagPort.FlagWrite("tls_flag", 2500, 0, "over TLS"))).get(0).basisPoints()).isEqualTo(2500);
                assertThat(client.getFlag("tls_flag")).hasValueSatisfying(f -> assertThat(f.basisPoints()).isEqualTo(2500));
            }
            try (PeerChannels withoutCertificate = new PeerChannels(Duration.ofSeconds(10), token, Set.of(address),
                    RolloutBeans.peerTls(client(certs.ca(), null, null)))) {
                FlagServiceClient client = new FlagServiceClient(withoutCertificate, address);
                assertThatThrownBy(() -> client.getFlag("tls_flag")).isInstanceOf(PeerFailure.class)
                        .hasMessageContaining("UNAUTHENTICATED");
            }
        } finally {
            TestPostgres.dropDatabase(database);
        }
    }

    private static ClientConfig client(Path ca, Path cert, Path key) {
        return new ClientConfig() {
            @Override
            public Optional<Path> tokenFile() {
                return Optional.empty();
            }

            @Override
            public Optional<Path> tlsCa() {
                return Optional.of(ca);
            }

            @Override
            public Optional<Path> tlsCert() {
                return Optional.ofNullable(cert);
            }

            @Override
            public Optional<Path> tlsKey() {
                return Optional.ofNullable(key);
            }
        };
    }
}
