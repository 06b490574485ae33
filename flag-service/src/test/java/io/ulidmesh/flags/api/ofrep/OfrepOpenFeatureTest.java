package io.ulidmesh.flags.api.ofrep;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.openfeature.contrib.providers.ofrep.OfrepProvider;
import dev.openfeature.contrib.providers.ofrep.OfrepProviderOptions;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.MutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import io.grpc.ManagedChannel;
import io.quarkus.test.junit.QuarkusTest;
import io.ulidmesh.flags.client.CohortHash;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.testsupport.TestChannels;
import io.ulidmesh.testsupport.TestTokens;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** OpenFeature's own Java SDK and OFREP provider against the flag-service, auth on. */
@QuarkusTest
class OfrepOpenFeatureTest {

    static Client client(String domain, String token) {
        ImmutableMap<String, ImmutableList<String>> headers = token == null ? ImmutableMap.of()
                : ImmutableMap.of("Authorization", ImmutableList.of("Bearer " + token));
        OfrepProvider provider = OfrepProvider.constructProvider(OfrepProviderOptions.builder()
                .baseUrl("http://127.0.0.1:" + TestChannels.quarkusTestPort()).headers(headers).build());
        OpenFeatureAPI.getInstance().setProviderAndWait(domain, provider);
        return OpenFeatureAPI.getInstance().getClient(domain);
    }

    static String setFlag(SetFlagRequest request) {
        ManagedChannel channel = TestChannels.toQuarkusTestApp();
        try {
            FlagServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS).setFlag(request);
            return request.getName();
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void theOfrepProviderGivesWhatEvaluateGivesForEveryEntity() {
        String flag = setFlag(SetFlagRequest.newBuilder().setName(OfrepTest.unique("ofrep.sdk")).setPercentage(30)
                .setCohort("use_v2_coordinator").build());
        Client client = client("ofrep-" + flag, TestTokens.token("ofrep-app", "viewer"));
        int enabled = 0;
        for (int i = 0; i < 300; i++) {
            String id = "user-" + i;
            FlagEvaluationDetails<Boolean> d = client.getBooleanDetails(flag, !CohortHash.enabled("use_v2_coordinator", 3000, id),
                    new ImmutableContext(id));
            assertThat(d.getErrorCode()).as(id).isNull();
            assertThat(d.getValue()).as(id).isEqualTo(CohortHash.enabled("use_v2_coordinator", 3000, id));
            assertThat(d.getVariant()).isEqualTo(d.getValue() ? "on" : "off");
            assertThat(d.getReason()).isEqualTo("TARGETING_MATCH");
            assertThat(d.getFlagMetadata().getInteger("bucket")).isEqualTo(CohortHash.bucket("use_v2_coordinator", id));
            enabled += d.getValue() ? 1 : 0;
        }
        assertThat(enabled).isBetween(60, 120);

        FlagEvaluationDetails<Boolean> missing = client.getBooleanDetails(OfrepTest.unique("ofrep.none"), true,
                new ImmutableContext("u"));
        assertThat(missing.getValue()).isTrue();
        assertThat(missing.getErrorCode()).isEqualTo(ErrorCode.FLAG_NOT_FOUND);

        // a rollout asked without a targetingKey: 400 TARGETING_KEY_MISSING, which the provider reads as INVALID_CONTEXT
        FlagEvaluationDetails<Boolean> noKey = client.getBooleanDetails(flag, true, new MutableContext().add("plan", "free"));
        assertThat(noKey.getValue()).isTrue();
        assertThat(noKey.getErrorCode()).isEqualTo(ErrorCode.INVALID_CONTEXT);

        FlagEvaluationDetails<String> wrongType = client.getStringDetails(flag, "dflt", new ImmutableContext("u"));
        assertThat(wrongType.getValue()).isEqualTo("dflt");
        assertThat(wrongType.getErrorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);

        setFlag(SetFlagRequest.newBuilder().setName(flag).setEnabled(true).setReason("full").build());
        FlagEvaluationDetails<Boolean> on = client.getBooleanDetails(flag, false, new ImmutableContext("user-1"));
        assertThat(on.getValue()).isTrue();
        assertThat(on.getReason()).isEqualTo("STATIC");
    }

    @Test
    void withoutAGoodTokenTheProviderGetsTheDefaultAndAGeneralError() {
        String flag = setFlag(SetFlagRequest.newBuilder().setName(OfrepTest.unique("ofrep.sdk.auth")).setEnabled(true).build());
        for (String token : new String[] {null, TestTokens.forged("mallory", "viewer"), TestTokens.token("x", "nobody")}) {
            Client client = client("ofrep-refused-" + flag + (token == null ? "" : token.hashCode()), token);
            FlagEvaluationDetails<Boolean> d = client.getBooleanDetails(flag, false, new ImmutableContext("u"));
            assertThat(d.getValue()).isFalse();
            assertThat(d.getErrorCode()).isEqualTo(ErrorCode.GENERAL);
            assertThat(d.getErrorMessage()).contains("authentication/authorization error");
        }
    }
}
