package io.ulidmesh.console.web;

import static io.ulidmesh.console.web.Html.esc;

import io.grpc.StatusRuntimeException;
import io.ulidmesh.common.auth.Role;
import io.ulidmesh.console.client.MeshClients;
import io.ulidmesh.console.domain.Session;
import io.ulidmesh.console.domain.Trouble;
import io.ulidmesh.flags.client.CohortHash;
import io.ulidmesh.proto.flags.v1.EvaluateRequest;
import io.ulidmesh.proto.flags.v1.Evaluation;
import io.ulidmesh.proto.flags.v1.Flag;
import io.ulidmesh.proto.flags.v1.FlagChange;
import io.ulidmesh.proto.flags.v1.GetFlagRequest;
import io.ulidmesh.proto.flags.v1.HistoryRequest;
import io.ulidmesh.proto.flags.v1.ListFlagsRequest;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jboss.logging.Logger;

/** Flags: the list, one flag with its history, setting it (compare-and-set), and "is this entity in?". */
@Path("/flags")
public class FlagPages extends Pages {
    private static final Logger LOG = Logger.getLogger(FlagPages.class);

    @GET
    public Response list(@CookieParam(Web.COOKIE) String cookie) {
        Session s = web.require(cookie);
        try {
            List<Flag> flags = clients.flags(s.token()).listFlags(ListFlagsRequest.newBuilder().setPageSize(1000).build()).getFlagsList();
            StringBuilder b = new StringBuilder();
            if (flags.isEmpty()) {
                b.append("<p>No flags yet.</p>");
            } else {
                b.append("<table class=\"grid\" id=\"flags\"><thead><tr><th scope=\"col\">Flag</th><th scope=\"col\">State</th>")
                        .append("<th scope=\"col\">Cohort</th><th scope=\"col\">Version</th><th scope=\"col\">Changed by</th>")
                        .append("<th scope=\"col\">Reason</th></tr></thead><tbody>");
                for (Flag f : flags) {
                    b.append("<tr data-flag=\"").append(esc(f.getName())).append("\"><td><a href=\"/flags/").append(esc(f.getName())).append("\">")
                            .append(esc(f.getName())).append("</a></td><td>").append(esc(FlagRender.value(f))).append("</td><td>")
                            .append(esc(f.getCohort())).append("</td><td>").append(f.getVersion()).append("</td><td>").append(esc(f.getUpdatedBy()))
                            .append("</td><td>").append(esc(f.getReason())).append("</td></tr>");
                }
                b.append("</tbody></table>");
            }
            return Web.html(200, Html.page("Flags", s, b.toString()));
        } catch (StatusRuntimeException e) {
            return Refusals.page("Flags", s, MeshClients.FLAGS, e, "");
        }
    }

    @GET
    @Path("{name}")
    public Response detail(@CookieParam(Web.COOKIE) String cookie, @PathParam("name") String name, @QueryParam("entity") String entity,
                           @QueryParam("done") String done) {
        Session s = web.require(cookie);
        Flag f;
        try {
            f = clients.flags(s.token()).getFlag(GetFlagRequest.newBuilder().setName(name).build());
        } catch (StatusRuntimeException e) {
            return Refusals.page("Flag " + name, s, MeshClients.FLAGS, e, "<p><a href=\"/flags\">Back to the flags</a></p>");
        }
        StringBuilder b = new StringBuilder();
        if (done != null && !done.isEmpty()) {
            b.append(Html.notice(done));
        }
        b.append(summary(f));
        if (s.may(Role.OPERATOR)) {
            b.append(setForm(s, f, "", ""));
        }
        b.append(evaluateForm(s, f, entity));
        b.append(history(s, name));
        return Web.html(200, Html.page("Flag " + name, s, b.toString()));
    }

    @POST
    @Path("{name}")
    public Response set(@CookieParam(Web.COOKIE) String cookie, @PathParam("name") String name, @FormParam("csrf") String csrf,
                        @FormParam("state") String state, @FormParam("percentage") String percentage, @FormParam("reason") String reason,
                        @FormParam("expected_version") long expectedVersion, @FormParam("confirm") String confirm) {
        Session s = web.action(cookie, csrf, "set flag " + name);
        web.requireRole(s, Role.OPERATOR);
        SetFlagRequest.Builder req = SetFlagRequest.newBuilder().setName(name).setReason(reason == null ? "" : reason.strip())
                .setExpectedVersion(expectedVersion);
        String problem = null;
        switch (state == null ? "" : state) {
            case "on" -> req.setEnabled(true);
            case "off" -> req.setEnabled(false);
            case "percentage" -> {
                try {
                    req.setPercentage(Double.parseDouble(percentage == null ? "" : percentage.strip()));
                } catch (NumberFormatException e) {
                    problem = "the percentage '" + (percentage == null ? "" : percentage) + "' is not a number (e.g. 10 or 12.5)";
                }
            }
            default -> problem = "choose on, off or a percentage";
        }
        if (problem == null && (reason == null || reason.isBlank() || !"yes".equals(confirm))) {
            problem = "a change needs a reason and the confirmation box ticked";
        }
        if (problem != null) {
            return Web.html(400, Html.page("Flag " + name, s, "<div class=\"trouble\" role=\"alert\" data-status=\"INVALID_ARGUMENT\"><p>"
                    + "<strong>Nothing was sent</strong>: " + esc(problem) + ".</p><p>What to do: correct the form and set it again.</p></div>"
                    + "<p><a href=\"/flags/" + esc(name) + "\">Back to the flag</a></p>"));
        }
        try {
            Flag f = clients.flags(s.token()).setFlag(req.build());
            metrics.action("set-flag", "ok");
            LOG.infof("%s set flag %s to %s (version %d)", s.subject(), name, FlagRender.value(f), f.getVersion());
            return Web.seeOther("/flags/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20") + "?done="
                    + URLEncoder.encode("Set to " + FlagRender.value(f) + " (version " + f.getVersion() + ")", StandardCharsets.UTF_8));
        } catch (StatusRuntimeException e) {
            metrics.action("set-flag", e.getStatus().getCode().name());
            StringBuilder more = new StringBuilder();
            try {
                // Show what the flag is now, beside the refusal: on a version conflict, what the other writer did.
                Flag now = clients.flags(s.token()).getFlag(GetFlagRequest.newBuilder().setName(name).build());
                more.append("<h2>The flag now</h2>").append(summary(now)).append(setForm(s, now, state, reason));
            } catch (StatusRuntimeException ignored) {
                // the refusal says enough
            }
            more.append("<p><a href=\"/flags/").append(esc(name)).append("\">Back to the flag</a></p>");
            return Refusals.page("Flag " + name, s, MeshClients.FLAGS, e, more.toString());
        }
    }

    private static String summary(Flag f) {
        return "<dl class=\"card\" id=\"flag-summary\"><dt>State</dt><dd id=\"flag-state\">" + esc(FlagRender.value(f)) + " ("
                + f.getBasisPoints() + " basis points)</dd><dt>Version</dt><dd id=\"flag-version\">" + f.getVersion() + "</dd><dt>Cohort</dt><dd>"
                + esc(f.getCohort()) + "</dd><dt>Description</dt><dd>" + esc(f.getDescription()) + "</dd><dt>Last change</dt><dd>"
                + esc(f.getUpdatedBy()) + " at " + RolloutRender.time(f.getUpdatedAt()) + " UTC: " + esc(f.getReason()) + "</dd></dl>";
    }

    private static String setForm(Session s, Flag f, String state, String reason) {
        String p = f.getBasisPoints() > 0 && f.getBasisPoints() < 10000 ? FlagRender.value(f).replace("%", "") : "";
        return "<form method=\"post\" action=\"/flags/" + esc(f.getName()) + "\" id=\"set-flag\" class=\"card\"><h2>Set</h2>" + Html.csrf(s)
                + "<input type=\"hidden\" name=\"expected_version\" value=\"" + f.getVersion() + "\">"
                + "<fieldset><legend>New state</legend>"
                + radio("on", "On for everyone", state) + radio("off", "Off", state) + radio("percentage", "A percentage of entities", state)
                + "<label for=\"percentage\">Percentage (0 to 100, up to two decimals)</label>"
                + "<input id=\"percentage\" name=\"percentage\" inputmode=\"decimal\" value=\"" + esc(p) + "\"></fieldset>"
                + Html.reasonAndConfirm("flag").replace("value=\"\"", "") + "<button type=\"submit\">Set flag</button>"
                + "<p class=\"hint\">Applies only if the flag is still at version " + f.getVersion() + "; if someone changed it since, "
                + "nothing is changed and you see their change.</p></form>";
    }

    private static String radio(String value, String label, String checked) {
        return "<label class=\"check\"><input type=\"radio\" name=\"state\" value=\"" + value + "\"" + (value.equals(checked) ? " checked" : "")
                + " required> " + esc(label) + "</label>";
    }

    private String evaluateForm(Session s, Flag f, String entity) {
        StringBuilder b = new StringBuilder("<section aria-labelledby=\"h-eval\" class=\"card\"><h2 id=\"h-eval\">Is this entity in?</h2>")
                .append("<form method=\"get\" action=\"/flags/").append(esc(f.getName())).append("\"><label for=\"entity\">Entity id</label>")
                .append("<input id=\"entity\" name=\"entity\" value=\"").append(esc(entity == null ? "" : entity)).append("\" required>")
                .append("<button type=\"submit\">Evaluate</button></form>");
        if (entity != null && !entity.isEmpty()) {
            try {
                Evaluation e = clients.flags(s.token()).evaluate(EvaluateRequest.newBuilder().setFlag(f.getName()).setEntityId(entity).build());
                long h = Integer.toUnsignedLong(CohortHash.murmur3(f.getCohort(), entity));
                b.append("<div id=\"evaluation\" data-enabled=\"").append(e.getEnabled()).append("\"><p><strong>").append(esc(entity))
                        .append(e.getEnabled() ? " is in" : " is not in").append("</strong> (").append(esc(e.getReason().name())).append(", version ")
                        .append(e.getVersion()).append(").</p><ol><li>key = cohort + \":\" + entity id = <code>").append(esc(f.getCohort() + ":" + entity))
                        .append("</code></li><li>h = MurmurHash3 x86_32(key, seed 0), unsigned = <code>").append(h).append("</code></li>")
                        .append("<li>bucket = (h × 10000) &gt;&gt;&gt; 32 = <code>").append(e.getBucket()).append("</code> (0 to 9999)</li>")
                        .append("<li>enabled when basis points = 10000, or bucket &lt; basis points = ").append(f.getBasisPoints())
                        .append(": <strong>").append(e.getEnabled()).append("</strong></li></ol><p class=\"hint\">The same entity gets the ")
                        .append("same bucket in every flag of cohort ").append(esc(f.getCohort())).append(", so raising the percentage only adds ")
                        .append("entities.</p></div>");
            } catch (StatusRuntimeException ex) {
                b.append(Html.trouble(Trouble.of(MeshClients.FLAGS, ex)));
            }
        }
        return b.append("</section>").toString();
    }

    private String history(Session s, String name) {
        StringBuilder b = new StringBuilder("<section aria-labelledby=\"h-history\"><h2 id=\"h-history\">History</h2>");
        try {
            List<FlagChange> changes = clients.flags(s.token()).history(HistoryRequest.newBuilder().setFlag(name).setPageSize(100).build())
                    .getChangesList();
            b.append("<table class=\"grid\" id=\"history\"><thead><tr><th scope=\"col\">Revision</th><th scope=\"col\">When (UTC)</th>")
                    .append("<th scope=\"col\">Before → after</th><th scope=\"col\">Actor</th><th scope=\"col\">Reason</th></tr></thead><tbody>");
            for (FlagChange c : changes) {
                String before = c.hasBefore() ? FlagRender.value(c.getBefore()) : "absent";
                String after = c.hasAfter() ? FlagRender.value(c.getAfter()) : "deleted";
                b.append("<tr><td>").append(c.getRevision()).append("</td><td>").append(RolloutRender.time(c.getAt())).append("</td><td class=\"change\">")
                        .append(esc(before)).append(" → ").append(esc(after)).append("</td><td class=\"actor\">").append(esc(c.getActor()))
                        .append("</td><td class=\"reason\">").append(esc(c.getReason())).append("</td></tr>");
            }
            b.append("</tbody></table>");
        } catch (StatusRuntimeException e) {
            b.append(Html.trouble(Trouble.of(MeshClients.FLAGS, e)));
        }
        return b.append("</section>").toString();
    }
}
