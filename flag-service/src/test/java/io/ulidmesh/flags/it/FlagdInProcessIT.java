package io.ulidmesh.flags.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openfeature.contrib.providers.flagd.Config;
import dev.openfeature.contrib.providers.flagd.FlagdOptions;
import dev.openfeature.contrib.providers.flagd.FlagdProvider;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import io.ulidmesh.flags.client.CohortHash;
import io.ulidmesh.proto.flags.v1.BatchEvaluateRequest;
import io.ulidmesh.proto.flags.v1.Evaluation;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.testsupport.TestChannels;
import io.ulidmesh.testsupport.TestTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OpenFeature's Java flagd provider in IN_PROCESS mode, following the flag-service's flagd sync
 * stream, against Evaluate: the cohort-hash vectors and 10,000 random entities at several
 * percentages. It answers exactly as our copy of its arithmetic ({@link FlagdFractional}) predicts,
 * entity by entity; that equals Evaluate at 0 % and 100 % only (docs/openfeature.md, "fractional").
 */
class FlagdInProcessIT {
    private static final int[] BASIS_POINTS = {0, 1, 1000, 3333, 5000, 9999, 10000};
    private static FlagServiceUnderTest mesh;

    @BeforeAll
    static void start() {
        mesh = FlagServiceUnderTest.start("flag_inprocess");
    }

    @AfterAll
    static void stop() {
        mesh.close();
    }

    private static FlagServiceGrpc.FlagServiceBlockingStub flags() {
        return mesh.flags(60);
    }

    private static List<String> entities() throws Exception {
        List<String> entities = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("../flag-client/src/test/resources/cohort-hash-vectors.csv")).subList(1, 21)) {
            String entity = line.split("\",\"")[1];
            entities.add(entity);
        }
        Random random = new Random(16);
        while (entities.size() < 10_000 + 20) {
            entities.add(random.nextInt(4) == 0 ? "entity-" + random.nextInt(1_000_000)
                    : Long.toString(random.nextLong() & Long.MAX_VALUE, 36) + (random.nextInt(10) == 0 ? "-ünï" : ""));
        }
        return entities;
    }

    @Test
    void theInProcessProviderAnswersAsFlagdArithmeticSaysWhichEqualsEvaluateAtZeroAndHundredPercentOnly() throws Exception {
        String cohort = "use_v2_coordinator";
        for (int bp : BASIS_POINTS) {
            flags().setFlag(SetFlagRequest.newBuilder().setName("inproc_" + bp).setBasisPoints(bp).setCohort(cohort).build());
        }
        FlagdProvider provider = new FlagdProvider(FlagdOptions.builder()
                .resolverType(Config.Resolver.IN_PROCESS).host("127.0.0.1").port(mesh.port()).deadline(10_000)
                .clientInterceptors(List.of(TestChannels.bearer(TestTokens.token("in-process-app", "viewer"))))
                .build());
        OpenFeatureAPI.getInstance().setProviderAndWait("in-process", provider);
        try {
            Client client = OpenFeatureAPI.getInstance().getClient("in-process");
            List<String> entities = entities();
            for (int bp : BASIS_POINTS) {
                String flag = "inproc_" + bp;
                List<Evaluation> evaluations = new ArrayList<>();
                for (int from = 0; from < entities.size(); from += 10_000) {
                    evaluations.addAll(flags().batchEvaluate(BatchEvaluateRequest.newBuilder().addFlags(flag)
                            .addAllEntityIds(entities.subList(from, Math.min(entities.size(), from + 10_000))).build())
                            .getEvaluationsList());
                }
                int disagreements = 0;
                int predicted = 0;
                int enabled = 0;
                for (int i = 0; i < entities.size(); i++) {
                    String entity = entities.get(i);
                    FlagEvaluationDetails<Boolean> d = client.getBooleanDetails(flag, !evaluations.get(i).getEnabled(),
                            new ImmutableContext(entity));
                    assertThat(d.getErrorCode()).as(flag + " " + entity).isNull();
                    assertThat(d.getValue()).as("provider = flagd's arithmetic for %s at %d bp", entity, bp)
                            .isEqualTo(FlagdFractional.enabled(cohort, bp, entity));
                    assertThat(d.getVariant()).isEqualTo(d.getValue() ? "on" : "off");
                    assertThat(d.getReason()).isEqualTo(bp == 0 || bp == 10000 ? "STATIC" : "TARGETING_MATCH");
                    disagreements += d.getValue() != evaluations.get(i).getEnabled() ? 1 : 0;
                    predicted += FlagdFractional.enabled(cohort, bp, entity) != CohortHash.enabled(cohort, bp, entity) ? 1 : 0;
                    enabled += d.getValue() ? 1 : 0;
                }
                assertThat(disagreements).as("disagreements at %d bp", bp).isEqualTo(predicted);
                if (bp == 0 || bp == 10000) {
                    assertThat(disagreements).isZero();
                } else if (bp >= 1000 && bp <= 9000) {
                    // the same share of entities, not the same entities
                    assertThat(disagreements).isPositive();
                    assertThat(enabled).isBetween(entities.size() * bp / 10_000 - 300, entities.size() * bp / 10_000 + 300);
                }
            }

            // the stream brings changes: the 1 % flag turned fully on
            flags().setFlag(SetFlagRequest.newBuilder().setName("inproc_1").setEnabled(true).setReason("on").build());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            boolean on = false;
            while (!on && System.nanoTime() < deadline) {
                on = client.getBooleanValue("inproc_1", false, new ImmutableContext("user-1"));
                Thread.sleep(on ? 0 : 50);
            }
            assertThat(on).as("the provider saw the change").isTrue();
        } finally {
            provider.shutdown();
        }
    }
}
