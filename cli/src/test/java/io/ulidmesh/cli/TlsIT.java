package io.ulidmesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ulidmesh.testsupport.ServiceProcess;
import io.ulidmesh.testsupport.TestCertificates;
import io.ulidmesh.testsupport.TestPostgres;
import io.ulidmesh.testsupport.TestTokens;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The TLS options against a resolution-service serving TLS only and requiring client certificates (mTLS). */
class TlsIT {
    private static TestCertificates certs;
    private static String database;
    private static ServiceProcess service;
    private static Cli cli;

    @BeforeAll
    static void start() {
        certs = TestCertificates.make();
        database = TestPostgres.createDatabase("cli_tls");
        service = ServiceProcess.startTls("resolution-service", database, certs, true);
        cli = new Cli(Map.of("ULIDMESH_RESOLUTION_ADDR", service.address(),
                "ULIDMESH_TOKEN_FILE", TestTokens.file(TestTokens.admin()).toString()), Cli.emptyDirectory());
    }

    @AfterAll
    static void stop() {
        service.close();
        TestPostgres.dropDatabase(database);
    }

    @Test
    void withTheCaAndAClientCertificateTheCallGoesThrough() {
        Cli.Run run = cli.run("ulid", "generate", "2", "--tls-ca", certs.ca().toString(),
                "--tls-cert", certs.clientCert().toString(), "--tls-key", certs.clientKey().toString());
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.lines()).hasSize(2);
    }

    @Test
    void theCaFromTheEnvironmentTurnsTlsOnButWithoutAClientCertificateMtlsRefuses() {
        Cli withCa = new Cli(Map.of("ULIDMESH_RESOLUTION_ADDR", service.address(), "ULIDMESH_TLS_CA", certs.ca().toString(),
                "ULIDMESH_TOKEN_FILE", TestTokens.file(TestTokens.admin()).toString()), Cli.emptyDirectory());
        Cli.Run run = withCa.run("ulid", "stats");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).startsWith("UNAUTHENTICATED: ");
    }

    @Test
    void plaintextToATlsPortIsRefusedAndAnotherCaIsNotTrusted() {
        Cli.Run plain = cli.run("ulid", "stats");
        assertThat(plain.code()).isEqualTo(1);
        assertThat(plain.err()).startsWith("UNAVAILABLE: resolution-service at " + service.address());
        TestCertificates other = TestCertificates.make();
        Cli.Run untrusted = cli.run("ulid", "stats", "--tls-ca", other.ca().toString(),
                "--tls-cert", certs.clientCert().toString(), "--tls-key", certs.clientKey().toString());
        assertThat(untrusted.code()).isEqualTo(1);
        assertThat(untrusted.err()).startsWith("UNAVAILABLE: resolution-service at " + service.address() + " cannot be reached");
    }
}
