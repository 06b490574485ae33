package io.ulidmesh.flags.api.ofrep;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The one error table of the HTTP side (the JAX-RS resources are OFREP's only): an
 * {@link OfrepFailure} becomes its status and an OFREP error body; a JAX-RS refusal (wrong method,
 * unknown path) keeps its status; anything else is 500 with an incident id logged beside the stack
 * trace, so no class name or driver text reaches a client. Every body has {@code metadata}, which
 * OpenFeature's Java OFREP provider reads even from errors.
 */
@Provider
public class OfrepErrors implements ExceptionMapper<Throwable> {
    private static final Logger LOG = Logger.getLogger(OfrepErrors.class);

    @Override
    public Response toResponse(Throwable failure) {
        if (failure instanceof OfrepFailure f) {
            return json(f.status, body(f.key, f.errorCode, f.getMessage()));
        }
        if (failure instanceof WebApplicationException web) {
            int status = web.getResponse().getStatus();
            return json(status, body(null, status == 404 ? "FLAG_NOT_FOUND" : "GENERAL",
                    web.getResponse().getStatusInfo().getReasonPhrase()));
        }
        String incident = UUID.randomUUID().toString();
        LOG.errorf(failure, "internal error, incident %s", incident);
        return json(500, body(null, null, "internal error, incident " + incident));
    }

    /** An OFREP error body; {@code key} and {@code errorCode} are left out when null. */
    static Map<String, Object> body(String key, String errorCode, String details) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (key != null) {
            body.put("key", key);
        }
        if (errorCode != null) {
            body.put("errorCode", errorCode);
        }
        body.put("errorDetails", details);
        body.put("metadata", Map.of());
        return body;
    }

    static Response json(int status, Map<String, Object> body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }
}
