package io.ulidmesh.flags.api.ofrep;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.testsupport.TestTokens;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With a rate limit configured, requests past it are 429 with Retry-After, which the OFREP provider obeys. */
@QuarkusTest
@TestProfile(OfrepRateLimitTest.Limited.class)
class OfrepRateLimitTest {
    public static class Limited implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // one request every 20 s after a burst of 3: nothing in this test refills it meanwhile
            return Map.of("ulidmesh.flags.ofrep.rate-limit", "0.05", "ulidmesh.flags.ofrep.burst", "3");
        }
    }

    @Test
    void pastTheLimitIs429WithRetryAfterAndTheProviderWaits() {
        String flag = OfrepOpenFeatureTest.setFlag(SetFlagRequest.newBuilder()
                .setName(OfrepTest.unique("ofrep.limited")).setEnabled(true).build());
        String viewer = "Bearer " + TestTokens.token("limited-app", "viewer");
        for (int i = 0; i < 3; i++) {
            given().header("Authorization", viewer).contentType(ContentType.JSON).body("{\"context\": {}}")
                    .post("/ofrep/v1/evaluate/flags/" + flag).then().statusCode(200);
        }
        String retryAfter = given().header("Authorization", viewer).contentType(ContentType.JSON)
                .body("{\"context\": {}}").post("/ofrep/v1/evaluate/flags").then().statusCode(429)
                .body("errorDetails", containsString("rate limit exceeded")).body("metadata", equalTo(Map.of()))
                .extract().header("Retry-After");
        assertThat(Integer.parseInt(retryAfter)).isBetween(1, 20);

        Client client = OfrepOpenFeatureTest.client("ofrep-limited", TestTokens.token("limited-app", "viewer"));
        FlagEvaluationDetails<Boolean> first = client.getBooleanDetails(flag, false, new ImmutableContext("u"));
        assertThat(first.getValue()).isFalse();
        assertThat(first.getErrorCode()).isEqualTo(ErrorCode.GENERAL);
        assertThat(first.getErrorMessage()).contains("Rate limit exceeded for flag");
        // the provider now waits for Retry-After by itself, without asking the service
        FlagEvaluationDetails<Boolean> second = client.getBooleanDetails(flag, false, new ImmutableContext("u"));
        assertThat(second.getErrorMessage()).contains("Please wait before making another request");
        given().get("/q/metrics").then().body(containsString("ulidmesh_flag_ofrep_responses_total{status=\"429\"}"));
    }
}
