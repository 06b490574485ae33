package io.ulidmesh.flags.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openfeature.contrib.providers.flagd.Config;
import dev.openfeature.contrib.providers.flagd.FlagdOptions;
import dev.openfeature.contrib.providers.flagd.FlagdProvider;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import io.ulidmesh.flags.client.CohortHash;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.testsupport.ServiceProcess;
import io.ulidmesh.testsupport.TestChannels;
import io.ulidmesh.testsupport.TestTokens;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real OpenFeature Java SDK with its flagd provider (RPC resolver) against flag-service running
 * as a process. (It runs out of process because the provider jar and Quarkus' test class loader
 * do not share the generated stubs.)
 */
class FlagdOpenFeatureIT {
    private static FlagServiceUnderTest mesh;

    @BeforeAll
    static void start() {
        mesh = FlagServiceUnderTest.start("flag_openfeature");
    }

    @AfterAll
    static void stop() {
        mesh.close();
    }

    private static FlagServiceGrpc.FlagServiceBlockingStub flags() {
        return mesh.flags(30);
    }

    private static String unique(String prefix) {
        return prefix + "_" + Long.toString(System.nanoTime(), 36);
    }

    @Test
    void theOpenFeatureFlagdProviderInRpcModeResolvesRolloutsNotFoundAndConfigurationChanges() throws Exception {
        // Auth is on: the provider sends a viewer's token through a client interceptor.
        resolvesRolloutsNotFoundAndConfigurationChanges(mesh.port(),
                FlagdOptions.builder().clientInterceptors(List.of(TestChannels.bearer(TestTokens.token("ofrep-app", "viewer")))));
    }

    @Test
    void withAnAnonymousViewerRoleAProviderNeedsNoToken() throws Exception {
        try (ServiceProcess trusting = ServiceProcess.start("flag-service", mesh.database,
                Map.of("ulidmesh.auth.anonymous-role", "viewer"))) {
            resolvesRolloutsNotFoundAndConfigurationChanges(trusting.port(), FlagdOptions.builder());
        }
    }

    private static void resolvesRolloutsNotFoundAndConfigurationChanges(int port, FlagdOptions.FlagdOptionsBuilder options)
            throws Exception {
        String flag = unique("openfeature");
        flags().setFlag(SetFlagRequest.newBuilder().setName(flag).setPercentage(30).setCohort("use_v2_coordinator").build());
        OpenFeatureAPI api = OpenFeatureAPI.getInstance();
        FlagdProvider provider = new FlagdProvider(options
                .resolverType(Config.Resolver.RPC)
                .host("127.0.0.1")
                .port(port)
                .deadline(10_000)
                .build());
        String domain = "ulidmesh-" + flag;
        api.setProviderAndWait(domain, provider);
        try {
            Client client = api.getClient(domain);
            LinkedBlockingQueue<List<String>> changed = new LinkedBlockingQueue<>();
            client.onProviderConfigurationChanged(details -> changed.add(details.getFlagsChanged()));

            int enabled = 0;
            for (int i = 0; i < 300; i++) {
                String id = "user-" + i;
                FlagEvaluationDetails<Boolean> d = client.getBooleanDetails(flag, false, new ImmutableContext(id));
                assertThat(d.getValue()).as(id).isEqualTo(CohortHash.enabled("use_v2_coordinator", 3000, id));
                assertThat(d.getReason()).isEqualTo("TARGETING_MATCH");
                assertThat(d.getVariant()).isEqualTo(d.getValue() ? "on" : "off");
                assertThat(d.getErrorCode()).isNull();
                enabled += d.getValue() ? 1 : 0;
            }
            assertThat(enabled).isBetween(60, 120);
            assertThat(client.getBooleanValue(flag, true, new ImmutableContext("user-2"))).isTrue();   // bucket 345
            assertThat(client.getBooleanValue(flag, true, new ImmutableContext("user-1"))).isFalse();  // bucket 6403

            FlagEvaluationDetails<Boolean> missing = client.getBooleanDetails(unique("missing"), true, new ImmutableContext("u"));
            assertThat(missing.getValue()).isTrue();
            assertThat(missing.getErrorCode()).isEqualTo(ErrorCode.FLAG_NOT_FOUND);

            flags().setFlag(SetFlagRequest.newBuilder().setName(flag).setEnabled(true).setReason("full rollout").build());
            List<String> names = changed.poll(20, TimeUnit.SECONDS);
            while (names != null && !names.contains(flag)) {
                names = changed.poll(20, TimeUnit.SECONDS);
            }
            assertThat(names).as("configuration change event naming the flag").isNotNull().contains(flag);
            FlagEvaluationDetails<Boolean> on = client.getBooleanDetails(flag, false, new ImmutableContext("user-1"));
            assertThat(on.getValue()).isTrue();
            assertThat(on.getReason()).isIn("STATIC", "CACHED");

            flags().setFlag(SetFlagRequest.newBuilder().setName(flag).setEnabled(false).build());
            names = changed.poll(20, TimeUnit.SECONDS);
            while (names != null && !names.contains(flag)) {
                names = changed.poll(20, TimeUnit.SECONDS);
            }
            assertThat(names).isNotNull();
            // STATIC results are cached by the provider; the change event evicted the cached "on"
            assertThat(client.getBooleanValue(flag, true, new ImmutableContext("user-1"))).isFalse();
        } finally {
            provider.shutdown();
        }
    }
}
