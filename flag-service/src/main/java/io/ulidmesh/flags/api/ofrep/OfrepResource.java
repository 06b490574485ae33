package io.ulidmesh.flags.api.ofrep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.common.annotation.NonBlocking;
import io.ulidmesh.flags.api.OpenFeatureResults;
import io.ulidmesh.flags.client.CohortHash;
import io.ulidmesh.flags.config.FlagConfig;
import io.ulidmesh.flags.domain.EvaluationResult;
import io.ulidmesh.flags.domain.FlagState;
import io.ulidmesh.flags.domain.FlagTable;
import io.ulidmesh.flags.domain.Flags;
import io.ulidmesh.flags.metrics.FlagMetrics;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OFREP, the OpenFeature Remote Evaluation Protocol, on the service's HTTP port: single and bulk
 * evaluation from this replica's flag table (the same values, variants and reasons as Evaluate and
 * the flagd protocol) and the configuration endpoint. {@link OfrepGate} checks identity and the
 * rate limit first; {@link OfrepErrors} writes every refusal.
 */
@Path("/ofrep/v1")
@OfrepGated
@NonBlocking
public class OfrepResource {
    private final Flags flags;
    private final FlagMetrics metrics;
    private final ObjectMapper json;
    private final FlagConfig config;

    OfrepResource(Flags flags, FlagMetrics metrics, ObjectMapper json, FlagConfig config) {
        this.flags = flags;
        this.metrics = metrics;
        this.json = json;
        this.config = config;
    }

    @POST
    @Path("/evaluate/flags/{key}")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> evaluate(@PathParam("key") String key, byte[] body) {
        OfrepContext context = OfrepContext.parse(json, body, key);
        FlagState flag = flags.current(key);
        if (flag == null) {
            throw OfrepFailure.flagNotFound(key);
        }
        if (context.targetingKey() == null && isRollout(flag)) {
            throw OfrepFailure.targetingKeyMissing(key);
        }
        return success(evaluate(flag, context));
    }

    /** Every flag for one context; the ETag is a digest of the answer, so 304 means "exactly the same answer". */
    @POST
    @Path("/evaluate/flags")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response bulk(@HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch, byte[] body) {
        OfrepContext context = OfrepContext.parse(json, body, null);
        List<Map<String, Object>> items = new ArrayList<>();
        for (FlagState flag : flags.all()) {
            if (context.targetingKey() == null && isRollout(flag)) {
                OfrepFailure missing = OfrepFailure.targetingKeyMissing(flag.name());
                items.add(OfrepErrors.body(missing.key, missing.errorCode, missing.getMessage()));
            } else {
                items.add(success(evaluate(flag, context)));
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("flags", items);
        answer.put("metadata", Map.of("flagSetId", "ulidmesh"));
        byte[] bytes = bytes(answer);
        String etag = '"' + digest(bytes) + '"';
        if (EntityTags.matches(ifNoneMatch, etag)) {
            return Response.notModified().header(HttpHeaders.ETAG, etag).build();
        }
        return Response.ok(bytes, MediaType.APPLICATION_JSON_TYPE).header(HttpHeaders.ETAG, etag).build();
    }

    /** What a provider may rely on: polling, and boolean flags only. */
    @GET
    @Path("/configuration")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> configuration() {
        return Map.of(
                "name", "ulidmesh flag-service",
                "capabilities", Map.of(
                        "cacheInvalidation", Map.of("polling", Map.of(
                                "enabled", true, "minPollingIntervalMs", config.ofrep().minPollingIntervalMs())),
                        "flagEvaluation", Map.of("unsupportedTypes", List.of("string", "integer", "float", "object"))));
    }

    private EvaluationResult evaluate(FlagState flag, OfrepContext context) {
        EvaluationResult e = FlagTable.evaluate(flag, context.targetingKey() == null ? "" : context.targetingKey());
        metrics.evaluated(e.reason());
        return e;
    }

    /** Only a percentage needs the entity; a flag off or on for everyone answers any context. */
    private static boolean isRollout(FlagState flag) {
        return flag.basisPoints() > 0 && flag.basisPoints() < CohortHash.ALL;
    }

    private static Map<String, Object> success(EvaluationResult e) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("version", e.version());
        metadata.put("bucket", e.bucket());
        metadata.put("ulidmeshReason", e.reason().name());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("key", e.flag());
        answer.put("value", e.enabled());
        answer.put("reason", OpenFeatureResults.reason(e));
        answer.put("variant", OpenFeatureResults.variant(e));
        answer.put("metadata", metadata);
        return answer;
    }

    private byte[] bytes(Object answer) {
        try {
            return json.writeValueAsBytes(answer);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String digest(byte[] bytes) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(bytes);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sha).substring(0, 22);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
