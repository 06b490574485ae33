package io.ulidmesh.flags.api.ofrep;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import io.grpc.ManagedChannel;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.testsupport.TestChannels;
import io.ulidmesh.testsupport.TestTokens;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** OFREP over real HTTP (REST Assured), every answer and every error path, with auth on. */
@QuarkusTest
class OfrepTest {
    private static final String VIEWER = TestTokens.token("ofrep-viewer", "viewer");
    private ManagedChannel channel;
    private FlagServiceGrpc.FlagServiceBlockingStub flags;

    @BeforeEach
    void connect() {
        channel = TestChannels.toQuarkusTestApp();
        flags = FlagServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void disconnect() {
        channel.shutdownNow();
    }

    static String unique(String prefix) {
        return prefix + "_" + Long.toString(System.nanoTime(), 36);
    }

    private static RequestSpecification viewer() {
        return given().header("Authorization", "Bearer " + VIEWER).contentType(ContentType.JSON);
    }

    private static String context(String targetingKey) {
        return "{\"context\": {\"targetingKey\": \"" + targetingKey + "\", \"email\": \"a@example.com\"}}";
    }

    private String rollout(int basisPoints) {
        String name = unique("ofrep.rollout");
        flags.setFlag(SetFlagRequest.newBuilder().setName(name).setBasisPoints(basisPoints)
                .setCohort("use_v2_coordinator").setReason("ofrep test").build());
        return name;
    }

    @Test
    void singleEvaluationGivesEvaluatesValueVariantAndReason() {
        String flag = unique("ofrep.rollout");
        long version = flags.setFlag(SetFlagRequest.newBuilder().setName(flag).setBasisPoints(346)
                .setCohort("use_v2_coordinator").build()).getVersion();
        // bucket of use_v2_coordinator:user-2 is 345, of user-1 6403 (docs/architecture.md, vectors)
        viewer().body(context("user-2")).post("/ofrep/v1/evaluate/flags/" + flag).then().statusCode(200)
                .contentType(ContentType.JSON)
                .body("key", equalTo(flag)).body("value", equalTo(true)).body("variant", equalTo("on"))
                .body("reason", equalTo("TARGETING_MATCH")).body("metadata.bucket", equalTo(345))
                .body("metadata.version", equalTo((int) version)).body("metadata.ulidmeshReason", equalTo("IN_ROLLOUT"));
        viewer().body(context("user-1")).post("/ofrep/v1/evaluate/flags/" + flag).then().statusCode(200)
                .body("value", equalTo(false)).body("variant", equalTo("off")).body("reason", equalTo("TARGETING_MATCH"))
                .body("metadata.bucket", equalTo(6403)).body("metadata.ulidmeshReason", equalTo("OUT_OF_ROLLOUT"));
    }

    @Test
    void aFlagTheSameForEveryoneIsStaticAndNeedsNoTargetingKey() {
        String on = unique("ofrep.on");
        flags.setFlag(SetFlagRequest.newBuilder().setName(on).setEnabled(true).build());
        viewer().body("{\"context\": {}}").post("/ofrep/v1/evaluate/flags/" + on).then().statusCode(200)
                .body("value", equalTo(true)).body("reason", equalTo("STATIC")).body("variant", equalTo("on"));
        String off = unique("ofrep.off");
        flags.setFlag(SetFlagRequest.newBuilder().setName(off).setEnabled(false).build());
        viewer().body("{\"context\": {\"targetingKey\": null}}").post("/ofrep/v1/evaluate/flags/" + off).then()
                .statusCode(200).body("value", equalTo(false)).body("reason", equalTo("STATIC"))
                .body("metadata.ulidmeshReason", equalTo("FLAG_OFF"));
    }

    @Test
    void anUnknownFlagIs404FlagNotFound() {
        String missing = unique("ofrep.missing");
        viewer().body(context("u")).post("/ofrep/v1/evaluate/flags/" + missing).then().statusCode(404)
                .body("key", equalTo(missing)).body("errorCode", equalTo("FLAG_NOT_FOUND"))
                .body("errorDetails", containsString(missing)).body("metadata", equalTo(Map.of()));
        viewer().body(context("u")).post("/ofrep/v1/evaluate/flags/Not%20A%20Name").then().statusCode(404)
                .body("errorCode", equalTo("FLAG_NOT_FOUND"));
    }

    @Test
    void aBodyThatIsNoJsonObjectIs400ParseError() {
        String flag = rollout(5000);
        for (String body : List.of("not json", "{\"context\": ", "[1, 2]", "42")) {
            viewer().body(body).post("/ofrep/v1/evaluate/flags/" + flag).then().statusCode(400)
                    .body("key", equalTo(flag)).body("errorCode", equalTo("PARSE_ERROR")).body("metadata", equalTo(Map.of()));
            viewer().body(body).post("/ofrep/v1/evaluate/flags").then().statusCode(400)
                    .body("key", nullValue()).body("errorCode", equalTo("PARSE_ERROR"));
        }
        given().header("Authorization", "Bearer " + VIEWER).post("/ofrep/v1/evaluate/flags/" + flag).then()
                .statusCode(400).body("errorCode", equalTo("PARSE_ERROR")).body("errorDetails", containsString("no body"));
    }

    @Test
    void aMissingOrMalformedContextIs400InvalidContext() {
        String flag = rollout(5000);
        Map<String, String> bodies = Map.of(
                "{}", "needs \"context\"",
                "{\"context\": 5}", "needs \"context\"",
                "{\"context\": {\"targetingKey\": 17}}", "must be a string, not number",
                "{\"context\": {\"targetingKey\": {\"id\": 1}}}", "must be a string, not object",
                "{\"context\": {\"targetingKey\": \"a\\u0000b\"}}", "NUL character (U+0000) at position 1",
                "{\"context\": {\"targetingKey\": \"" + "k".repeat(5000) + "\"}}", "more than 4096",
                "{\"context\": {\"targetingKey\": \"u\", \"pad\": \"" + "x".repeat(70_000) + "\"}}", "more than 65536");
        bodies.forEach((body, details) -> {
            viewer().body(body).post("/ofrep/v1/evaluate/flags/" + flag).then().statusCode(400)
                    .body("errorCode", equalTo("INVALID_CONTEXT")).body("errorDetails", containsString(details));
            viewer().body(body).post("/ofrep/v1/evaluate/flags").then().statusCode(400)
                    .body("errorCode", equalTo("INVALID_CONTEXT"));
        });
    }

    @Test
    void aRolloutWithoutTargetingKeyIs400TargetingKeyMissingAndAFailedItemInBulk() {
        String flag = rollout(2500);
        viewer().body("{\"context\": {\"email\": \"a@example.com\"}}").post("/ofrep/v1/evaluate/flags/" + flag).then()
                .statusCode(400).body("key", equalTo(flag)).body("errorCode", equalTo("TARGETING_KEY_MISSING"))
                .body("errorDetails", containsString("targetingKey"));
        Response bulk = viewer().body("{\"context\": {}}").post("/ofrep/v1/evaluate/flags");
        bulk.then().statusCode(200);
        Map<String, Object> item = bulkItem(bulk, flag);
        assertThat(item).containsEntry("errorCode", "TARGETING_KEY_MISSING").doesNotContainKey("value");
    }

    @Test
    void bulkEvaluatesEveryFlagAndAnswers304WhileNothingChanged() {
        String flag = rollout(346);
        Response first = viewer().body(context("user-2")).post("/ofrep/v1/evaluate/flags");
        first.then().statusCode(200).header("ETag", not(nullValue())).body("metadata.flagSetId", equalTo("ulidmesh"))
                .body("flags.key", hasItem(flag));
        assertThat(bulkItem(first, flag)).containsEntry("value", true).containsEntry("variant", "on")
                .containsEntry("reason", "TARGETING_MATCH");
        String etag = first.header("ETag");

        viewer().header("If-None-Match", etag).body(context("user-2")).post("/ofrep/v1/evaluate/flags").then()
                .statusCode(304).header("ETag", equalTo(etag)).body(equalTo(""));
        viewer().header("If-None-Match", "\"other\", W/" + etag).body(context("user-2")).post("/ofrep/v1/evaluate/flags")
                .then().statusCode(304);
        // another entity gets another answer, so the tag does not match it
        Response otherEntity = viewer().header("If-None-Match", etag).body(context("user-1")).post("/ofrep/v1/evaluate/flags");
        otherEntity.then().statusCode(200);
        assertThat(otherEntity.header("ETag")).isNotEqualTo(etag);
        assertThat(bulkItem(otherEntity, flag)).containsEntry("value", false);

        flags.setFlag(SetFlagRequest.newBuilder().setName(flag).setBasisPoints(300).setReason("lower").build());
        Response changed = viewer().header("If-None-Match", etag).body(context("user-2")).post("/ofrep/v1/evaluate/flags");
        changed.then().statusCode(200);
        assertThat(changed.header("ETag")).isNotEqualTo(etag);
        assertThat(bulkItem(changed, flag)).containsEntry("value", false);
    }

    @Test
    void configurationNamesPollingAndBooleanFlagsOnly() {
        viewer().get("/ofrep/v1/configuration").then().statusCode(200)
                .body("name", equalTo("ulidmesh flag-service"))
                .body("capabilities.cacheInvalidation.polling.enabled", equalTo(true))
                .body("capabilities.cacheInvalidation.polling.minPollingIntervalMs", equalTo(1000))
                .body("capabilities.flagEvaluation.unsupportedTypes", equalTo(List.of("string", "integer", "float", "object")));
    }

    @Test
    void everyEndpointIs401WithoutAValidTokenAnd403WithoutTheViewerRole() {
        String flag = rollout(5000);
        Map<String, String> refused = Map.of(
                "", "needs a bearer token",
                "Bearer " + TestTokens.forged("mallory", "admin"), "was refused",
                "Bearer " + TestTokens.expired("old", "viewer"), "was refused",
                "Bearer " + TestTokens.wrongIssuer("other", "viewer"), "was refused",
                "Basic dXNlcjpwYXNz", "was refused",
                "Bearer not-a-jwt", "was refused");
        refused.forEach((authorization, details) -> {
            for (String path : List.of("/ofrep/v1/evaluate/flags/" + flag, "/ofrep/v1/evaluate/flags")) {
                RequestSpecification request = given().contentType(ContentType.JSON).body(context("u"));
                if (!authorization.isEmpty()) {
                    request.header("Authorization", authorization);
                }
                request.post(path).then().statusCode(401).header("WWW-Authenticate", equalTo("Bearer"))
                        .body("errorDetails", containsString(details)).body("metadata", equalTo(Map.of()));
            }
            RequestSpecification config = given();
            if (!authorization.isEmpty()) {
                config.header("Authorization", authorization);
            }
            config.get("/ofrep/v1/configuration").then().statusCode(401);
        });
        String noRole = TestTokens.token("stranger", "guests");
        given().header("Authorization", "Bearer " + noRole).contentType(ContentType.JSON).body(context("u"))
                .post("/ofrep/v1/evaluate/flags/" + flag).then().statusCode(403)
                .body("errorDetails", equalTo("OFREP evaluation needs role viewer; 'stranger' has no ulidmesh role"));
        given().header("Authorization", "Bearer " + noRole).contentType(ContentType.JSON).body(context("u"))
                .post("/ofrep/v1/evaluate/flags").then().statusCode(403);
        // every higher role includes viewer
        for (String role : List.of("service", "operator", "admin")) {
            given().header("Authorization", "Bearer " + TestTokens.token("r-" + role, role)).contentType(ContentType.JSON)
                    .body(context("u")).post("/ofrep/v1/evaluate/flags/" + flag).then().statusCode(200);
        }
        // health and metrics stay open
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void responsesAreCountedByStatus() {
        viewer().body(context("u")).post("/ofrep/v1/evaluate/flags/" + unique("ofrep.counted")).then().statusCode(404);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("ulidmesh_flag_ofrep_responses_total{status=\"404\"}"));
    }

    @Test
    void otherMethodsAndPathsAreRefusedWithAnOfrepBody() {
        viewer().get("/ofrep/v1/evaluate/flags/x").then().statusCode(405).body("errorDetails", not(containsString("Exception")));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> bulkItem(Response bulk, String flag) {
        List<Map<String, Object>> items = bulk.jsonPath().getList("flags");
        return items.stream().filter(i -> flag.equals(i.get("key"))).findFirst()
                .orElseThrow(() -> new AssertionError(flag + " not in " + items));
    }
}
