package io.ulidmesh.console.web;

import static io.ulidmesh.console.web.Html.esc;

import io.grpc.StatusRuntimeException;
import io.ulidmesh.console.client.MeshClients;
import io.ulidmesh.console.domain.Session;
import io.ulidmesh.console.domain.Trouble;
import io.ulidmesh.proto.resolution.v1.Reference;
import io.ulidmesh.proto.resolution.v1.TraceRequest;
import io.ulidmesh.proto.resolution.v1.TraceResponse;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

/** The registry: resolve a ULID and trace it across systems, as a table and a graph. */
@Path("/registry")
public class RegistryPages extends Pages {

    @GET
    public Response page(@CookieParam(Web.COOKIE) String cookie, @QueryParam("ulid") String ulid, @QueryParam("depth") Integer depth) {
        Session s = web.require(cookie);
        int d = depth == null ? 2 : Math.max(1, Math.min(10, depth));
        StringBuilder b = new StringBuilder("<form method=\"get\" action=\"/registry\" class=\"card\" id=\"resolve\">")
                .append("<label for=\"ulid\">ULID</label><input id=\"ulid\" name=\"ulid\" size=\"30\" required spellcheck=\"false\" value=\"")
                .append(esc(ulid == null ? "" : ulid)).append("\"><label for=\"depth\">Trace depth (hops, 1 to 10)</label>")
                .append("<input id=\"depth\" name=\"depth\" type=\"number\" min=\"1\" max=\"10\" value=\"").append(d).append("\">")
                .append("<button type=\"submit\">Resolve and trace</button></form>");
        int status = 200;
        if (ulid != null && !ulid.isBlank()) {
            try {
                TraceResponse t = clients.resolution(s.token()).trace(TraceRequest.newBuilder().setUlid(ulid.strip()).setMaxDepth(d).build());
                b.append("<section aria-labelledby=\"h-origin\"><h2 id=\"h-origin\">Resolved</h2>").append(reference(t.getOrigin(), "origin"))
                        .append("</section><section aria-labelledby=\"h-trace\"><h2 id=\"h-trace\">Trace: ").append(t.getRelatedCount())
                        .append(" related, ").append(t.getEdgesCount()).append(" links</h2>").append(TraceGraph.svg(t));
                for (Reference r : t.getRelatedList()) {
                    b.append(reference(r, "related"));
                }
                b.append("</section>");
            } catch (StatusRuntimeException e) {
                status = Refusals.httpStatus(e);
                b.append(Html.trouble(Trouble.of(MeshClients.RESOLUTION, e)));
            }
        }
        return Web.html(status, Html.page("Registry", s, b.toString()));
    }

    private static String reference(Reference r, String cls) {
        StringBuilder b = new StringBuilder("<dl class=\"card ").append(cls).append("\"><dt>ULID</dt><dd class=\"mono\"><a href=\"/registry?ulid=")
                .append(esc(r.getUlid())).append("\">").append(esc(r.getUlid())).append("</a></dd><dt>System, type, reference</dt><dd>")
                .append(esc(r.getSystem())).append(", ").append(esc(r.getReferenceType())).append(", <code>").append(esc(r.getReference()))
                .append("</code></dd><dt>ULID time</dt><dd>").append(RolloutRender.time(r.getUlidTime())).append(" UTC</dd><dt>Registered by</dt><dd>")
                .append(esc(r.getRegisteredBy())).append("</dd>");
        if (r.getMetadataCount() > 0) {
            b.append("<dt>Metadata</dt><dd>");
            r.getMetadataMap().forEach((k, v) -> b.append("<code>").append(esc(k)).append("</code> = ").append(esc(v)).append("<br>"));
            b.append("</dd>");
        }
        return b.append("</dl>").toString();
    }
}
