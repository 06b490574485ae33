package io.ulidmesh.console.web;

import static io.ulidmesh.console.web.Html.esc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ulidmesh.cli.PlanLint;
import io.ulidmesh.common.auth.Role;
import io.ulidmesh.console.client.MeshClients;
import io.ulidmesh.console.domain.Session;
import io.ulidmesh.console.domain.Trouble;
import io.ulidmesh.proto.rollout.v1.CheckReadinessRequest;
import io.ulidmesh.proto.rollout.v1.CreateRolloutRequest;
import io.ulidmesh.proto.rollout.v1.PreviewRolloutRequest;
import io.ulidmesh.proto.rollout.v1.ReadinessReport;
import io.ulidmesh.proto.rollout.v1.Rollout;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Start a rollout: paste or upload a plan, check it (the controller's own parser, through
 * PreviewRollout, so its signal allowlists count too; each problem at its line) with the controller's
 * whole-plan dry run, then start it. A controller without PreviewRollout gets CheckReadiness instead.
 */
@Path("/rollouts/new")
public class StartPages extends Pages {
    private static final Logger LOG = Logger.getLogger(StartPages.class);

    @GET
    public Response form(@CookieParam(Web.COOKIE) String cookie) {
        Session s = web.require(cookie);
        return Web.html(200, Html.page("Start a rollout", s, form(s, "")));
    }

    @POST
    public Response submit(@CookieParam(Web.COOKIE) String cookie, @FormParam("csrf") String csrf, @FormParam("plan") String plan,
                           @FormParam("action") String action) {
        Session s = web.action(cookie, csrf, "start a rollout");
        String yaml = plan == null ? "" : plan;
        StringBuilder b = new StringBuilder();
        if ("start".equals(action)) {
            web.requireRole(s, Role.OPERATOR);
            try {
                Rollout r = clients.controller(s.token()).createRollout(CreateRolloutRequest.newBuilder().setPlanYaml(yaml).setStart(true).build());
                metrics.action("start-rollout", "ok");
                LOG.infof("%s started rollout %s (%s)", s.subject(), r.getId(), r.getName());
                return Web.seeOther("/rollouts/" + r.getId() + "?done=" + java.net.URLEncoder.encode("Started " + r.getName(),
                        java.nio.charset.StandardCharsets.UTF_8));
            } catch (StatusRuntimeException e) {
                metrics.action("start-rollout", e.getStatus().getCode().name());
                b.append(check(s, yaml, e));
                return Web.html(Refusals.httpStatus(e), Html.page("Start a rollout", s, b + form(s, yaml)));
            }
        }
        b.append(check(s, yaml, null));
        return Web.html(200, Html.page("Start a rollout", s, b + form(s, yaml)));
    }

    /** The check's result: problems at their lines, or the dry run (or at least the readiness checklist). */
    private String check(Session s, String yaml, StatusRuntimeException startRefusal) {
        StatusRuntimeException refusal = startRefusal;
        String result = "";
        if (refusal == null) {
            try {
                result = dryRun(s, yaml);
            } catch (StatusRuntimeException e) {
                refusal = e;
            }
        }
        StringBuilder b = new StringBuilder("<section id=\"check\" aria-labelledby=\"h-check\"><h2 id=\"h-check\">Check</h2>");
        if (refusal != null) {
            String message = refusal.getStatus().getDescription() == null ? "" : refusal.getStatus().getDescription();
            if (refusal.getStatus().getCode() == Status.Code.INVALID_ARGUMENT && message.startsWith("invalid plan")) {
                b.append(lint(yaml, PlanLint.problems(message)));
            } else {
                b.append(Html.trouble(Trouble.of(MeshClients.CONTROLLER, refusal)));
            }
        } else {
            b.append(result);
        }
        return b.append("</section>").toString();
    }

    /** PreviewRollout's per-phase dry run; from a controller that predates it (UNIMPLEMENTED), the readiness checklist. */
    private String dryRun(Session s, String yaml) {
        try {
            return PreviewRender.preview(clients.controller(s.token()).previewRollout(PreviewRolloutRequest.newBuilder().setPlanYaml(yaml).build()));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
                throw e;
            }
        }
        ReadinessReport report = clients.controller(s.token()).checkReadiness(CheckReadinessRequest.newBuilder().setPlanYaml(yaml).build());
        return "<p id=\"lint-ok\">The plan parses: no problems.</p>" + PreviewRender.readiness(report)
                + "<p class=\"hint\">This controller has no whole-plan dry run (PreviewRollout); the plan's phases are shown on the "
                + "rollout's page once started.</p>";
    }

    /** The plan with line numbers, each problem under its line. */
    static String lint(String yaml, List<PlanLint.Problem> problems) {
        Map<Integer, StringBuilder> byLine = new HashMap<>();
        StringBuilder general = new StringBuilder();
        for (PlanLint.Problem p : problems) {
            if (p.line() <= 0) {
                general.append("<li>").append(esc(p.message())).append("</li>");
            } else {
                StringBuilder at = byLine.computeIfAbsent(p.line(), l -> new StringBuilder());
                at.append(at.length() == 0 ? "" : "; ").append(esc(p.message()));
            }
        }
        StringBuilder b = new StringBuilder("<p id=\"lint-problems\" role=\"alert\"><strong>").append(problems.size())
                .append(problems.size() == 1 ? " problem" : " problems").append("</strong>: nothing was created.</p>");
        if (general.length() > 0) {
            b.append("<ul>").append(general).append("</ul>");
        }
        b.append("<table class=\"lint mono\"><tbody>");
        String[] lines = yaml.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int n = i + 1;
            StringBuilder msg = byLine.get(n);
            b.append("<tr").append(msg != null ? " class=\"bad\" data-line=\"" + n + "\"" : "").append("><td class=\"n\">").append(n)
                    .append("</td><td><code>").append(esc(lines[i])).append("</code></td></tr>");
            if (msg != null) {
                b.append("<tr class=\"bad\"><td></td><td class=\"msg\">line ").append(n).append(": ").append(msg).append("</td></tr>");
            }
        }
        return b.append("</tbody></table>").toString();
    }

    private static String form(Session s, String yaml) {
        boolean operator = s.may(Role.OPERATOR);
        return "<form method=\"post\" action=\"/rollouts/new\" class=\"card\" id=\"start\">" + Html.csrf(s)
                + "<label for=\"plan-file\">Upload a plan (YAML)</label><input type=\"file\" id=\"plan-file\" accept=\".yaml,.yml,text/yaml\">"
                + "<label for=\"plan\">Plan</label><textarea id=\"plan\" name=\"plan\" rows=\"18\" spellcheck=\"false\" required>" + esc(yaml)
                + "</textarea><div class=\"buttons\"><button type=\"submit\" name=\"action\" value=\"check\">Check</button>"
                + (operator ? "<button type=\"submit\" name=\"action\" value=\"start\">Create and start</button>" : "")
                + "</div></form>";
    }
}
