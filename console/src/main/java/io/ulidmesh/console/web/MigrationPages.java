package io.ulidmesh.console.web;

import static io.ulidmesh.console.web.Html.esc;

import io.grpc.StatusRuntimeException;
import io.ulidmesh.common.auth.Role;
import io.ulidmesh.console.client.MeshClients;
import io.ulidmesh.console.domain.Session;
import io.ulidmesh.console.domain.Trouble;
import io.ulidmesh.proto.migration.v1.GetMigrationRequest;
import io.ulidmesh.proto.migration.v1.ListMigrationsRequest;
import io.ulidmesh.proto.migration.v1.ListTargetsRequest;
import io.ulidmesh.proto.migration.v1.Migration;
import io.ulidmesh.proto.migration.v1.MigrationSpec;
import io.ulidmesh.proto.migration.v1.StepRequest;
import io.ulidmesh.proto.migration.v1.Target;
import io.ulidmesh.proto.migration.v1.ValidationReport;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

/** Migrations: the worker's targets (never a password), each migration's state and progress, validation reports. */
@Path("/migrations")
public class MigrationPages extends Pages {
    private static final Logger LOG = Logger.getLogger(MigrationPages.class);

    @GET
    public Response list(@CookieParam(Web.COOKIE) String cookie) {
        Session s = web.require(cookie);
        StringBuilder b = new StringBuilder("<section aria-labelledby=\"h-targets\"><h2 id=\"h-targets\">Targets</h2>");
        try {
            b.append("<table class=\"grid\" id=\"targets\"><thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Engine</th>")
                    .append("<th scope=\"col\">JDBC URL</th><th scope=\"col\">User</th><th scope=\"col\">Password</th></tr></thead><tbody>");
            for (Target t : clients.worker(s.token()).listTargets(ListTargetsRequest.getDefaultInstance()).getTargetsList()) {
                b.append("<tr><td>").append(esc(t.getName())).append("</td><td>").append(esc(t.getDialect().name())).append("</td><td class=\"mono\">")
                        .append(esc(t.getJdbcUrl())).append("</td><td>").append(esc(t.getUsername())).append("</td><td>")
                        .append(t.getHasPassword() ? "stored (never shown)" : "none").append("</td></tr>");
            }
            b.append("</tbody></table>");
        } catch (StatusRuntimeException e) {
            b.append(Html.trouble(Trouble.of(MeshClients.WORKER, e)));
        }
        b.append("</section><section aria-labelledby=\"h-migs\"><h2 id=\"h-migs\">Migrations</h2>");
        try {
            b.append("<table class=\"grid\" id=\"migrations\"><thead><tr><th scope=\"col\">Migration</th><th scope=\"col\">Table</th>")
                    .append("<th scope=\"col\">Progress</th><th scope=\"col\">Last error</th></tr></thead><tbody>");
            for (Migration m : clients.worker(s.token()).listMigrations(ListMigrationsRequest.newBuilder().setPageSize(500).build())
                    .getMigrationsList()) {
                b.append("<tr><td><a href=\"/migrations/").append(esc(m.getId())).append("\">").append(esc(m.getSpec().getName().isEmpty()
                        ? m.getId() : m.getSpec().getName())).append("</a></td><td>").append(esc(what(m.getSpec()))).append("</td><td>");
                RolloutRender.progress(b, m.getState().name(), m.getRowsBackfilled(), m.getRowsTotal(), m.getRowsPerSecond(), 0, what(m.getSpec()));
                b.append("</td><td>").append(esc(m.getLastError())).append("</td></tr>");
            }
            b.append("</tbody></table>");
        } catch (StatusRuntimeException e) {
            b.append(Html.trouble(Trouble.of(MeshClients.WORKER, e)));
        }
        return Web.html(200, Html.page("Migrations", s, b.append("</section>").toString()));
    }

    @GET
    @Path("{id}")
    public Response detail(@CookieParam(Web.COOKIE) String cookie, @PathParam("id") String id) {
        Session s = web.require(cookie);
        try {
            Migration m = clients.worker(s.token()).getMigration(GetMigrationRequest.newBuilder().setId(id).build());
            return Web.html(200, Html.page("Migration " + what(m.getSpec()), s, detailBody(s, m, "")));
        } catch (StatusRuntimeException e) {
            return Refusals.page("Migration", s, MeshClients.WORKER, e, "<p><a href=\"/migrations\">Back to the migrations</a></p>");
        }
    }

    @POST
    @Path("{id}/validate")
    public Response validate(@CookieParam(Web.COOKIE) String cookie, @PathParam("id") String id, @FormParam("csrf") String csrf,
                             @FormParam("reason") String reason, @FormParam("confirm") String confirm) {
        Session s = web.action(cookie, csrf, "validate migration " + id);
        web.requireRole(s, Role.OPERATOR);
        String back = "<p><a href=\"/migrations/" + esc(id) + "\">Back to the migration</a></p>";
        if (reason == null || reason.isBlank() || !"yes".equals(confirm)) {
            return Web.html(400, Html.page("Not done", s, "<div class=\"trouble\" role=\"alert\" data-status=\"INVALID_ARGUMENT\"><p><strong>"
                    + "Nothing was sent</strong>: validation needs a reason and the confirmation box ticked.</p><p>What to do: go back "
                    + "and fill in both.</p></div>" + back));
        }
        try {
            ValidationReport report = clients.worker(s.token()).validate(StepRequest.newBuilder().setId(id).setReason(reason.strip()).build());
            metrics.action("validate-migration", "ok");
            LOG.infof("%s validated migration %s: %s", s.subject(), id, report.getPassed() ? "passed" : "failed");
            Migration m = clients.worker(s.token()).getMigration(GetMigrationRequest.newBuilder().setId(id).build());
            return Web.html(200, Html.page("Migration " + what(m.getSpec()), s, detailBody(s, m, report(report))));
        } catch (StatusRuntimeException e) {
            metrics.action("validate-migration", e.getStatus().getCode().name());
            return Refusals.page("Not done", s, MeshClients.WORKER, e, back);
        }
    }

    private static String detailBody(Session s, Migration m, String report) {
        MigrationSpec spec = m.getSpec();
        StringBuilder b = new StringBuilder(report).append("<dl class=\"card\"><dt>Id</dt><dd class=\"mono\">").append(esc(m.getId()))
                .append("</dd><dt>Target, table, key → ULID column</dt><dd>").append(esc(spec.getTarget() + ", " + spec.getTable() + ", "
                        + spec.getKeyColumn() + " → " + spec.getUlidColumn())).append("</dd><dt>Progress</dt><dd>");
        RolloutRender.progress(b, m.getState().name(), m.getRowsBackfilled(), m.getRowsTotal(), m.getRowsPerSecond(), 0, what(spec));
        b.append("</dd><dt>Rows at Expand</dt><dd>").append(m.getBaselineRows()).append("</dd><dt>Last error</dt><dd>")
                .append(m.getLastError().isEmpty() ? "none" : esc(m.getLastError())).append("</dd></dl>");
        if (s.may(Role.OPERATOR)) {
            b.append("<form method=\"post\" action=\"/migrations/").append(esc(m.getId())).append("/validate\" class=\"card\" id=\"validate\">")
                    .append("<h2>Validation report</h2><p>Counts valid, invalid, NULL and duplicate ULIDs and compares the row count with ")
                    .append("the one at Expand; a pass moves the migration to VALIDATED.</p>").append(Html.csrf(s)).append(Html.reasonAndConfirm("validate"))
                    .append("<button type=\"submit\">Validate now</button></form>");
        }
        return b.toString();
    }

    private static String report(ValidationReport r) {
        StringBuilder b = new StringBuilder("<section class=\"card\" id=\"report\" data-passed=\"").append(r.getPassed())
                .append("\"><h2>Validation ").append(r.getPassed() ? "passed" : "failed").append("</h2><table class=\"grid\"><tbody>")
                .append(row("Rows at Expand", r.getBaselineRows())).append(row("Rows now", r.getRows())).append(row("Valid ULIDs", r.getValid()))
                .append(row("Invalid", r.getInvalid())).append(row("Without a ULID", r.getNulls())).append(row("Duplicated ULIDs", r.getDuplicates()))
                .append("</tbody></table>");
        if (r.getProblemsCount() > 0) {
            b.append("<ul>");
            r.getProblemsList().forEach(p -> b.append("<li>").append(esc(p)).append("</li>"));
            b.append("</ul>");
        }
        return b.append("</section>").toString();
    }

    private static String row(String label, long value) {
        return "<tr><th scope=\"row\">" + esc(label) + "</th><td>" + value + "</td></tr>";
    }

    static String what(MigrationSpec spec) {
        return spec.getTarget() + "." + spec.getTable() + "." + spec.getUlidColumn();
    }
}
