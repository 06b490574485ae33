package io.ulidmesh.console.web;

import static io.ulidmesh.console.web.Html.esc;

import io.grpc.StatusRuntimeException;
import io.ulidmesh.common.auth.Role;
import io.ulidmesh.console.client.MeshClients;
import io.ulidmesh.console.domain.LiveRollout;
import io.ulidmesh.console.domain.Session;
import io.ulidmesh.console.domain.Trouble;
import io.ulidmesh.proto.rollout.v1.GetRolloutRequest;
import io.ulidmesh.proto.rollout.v1.ListRolloutsRequest;
import io.ulidmesh.proto.rollout.v1.Rollout;
import io.ulidmesh.proto.rollout.v1.RolloutActionRequest;
import io.ulidmesh.proto.rollout.v1.RolloutServiceGrpc.RolloutServiceBlockingStub;
import io.ulidmesh.proto.rollout.v1.RolloutState;
import jakarta.inject.Inject;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import org.jboss.logging.Logger;

/** The rollout list (with the emergency rollback), a rollout's detail page, and the operator actions. */
@Path("/rollouts")
public class RolloutPages extends Pages {
    /** What emergency rollback aborts: the CLI's set (RolloutCommands.ACTIVE). */
    static final Set<RolloutState> ACTIVE = EnumSet.of(RolloutState.RUNNING, RolloutState.PAUSED, RolloutState.ROLLING_BACK,
            RolloutState.ROLLED_BACK, RolloutState.FAILED);
    private static final Logger LOG = Logger.getLogger(RolloutPages.class);
    private static final List<String> ACTIONS = List.of("pause", "resume", "promote", "rollback", "abort");

    @Inject
    LiveLoader loader;

    @GET
    public Response list(@CookieParam(Web.COOKIE) String cookie, @QueryParam("done") String done) {
        Session s = web.require(cookie);
        StringBuilder body = new StringBuilder();
        if (done != null && !done.isEmpty()) {
            body.append(Html.notice(done));
        }
        int status = 200;
        try {
            List<Rollout> rollouts = clients.controller(s.token()).listRollouts(ListRolloutsRequest.newBuilder().setPageSize(200).build())
                    .getRolloutsList();
            body.append(RolloutRender.list(rollouts));
        } catch (StatusRuntimeException e) {
            status = Refusals.httpStatus(e);
            body.append(Html.trouble(Trouble.of(MeshClients.CONTROLLER, e)));
        }
        if (s.may(Role.OPERATOR)) {
            body.append("<section aria-labelledby=\"h-emergency\" class=\"danger\"><h2 id=\"h-emergency\">Emergency rollback</h2>")
                    .append("<p>Aborts every active rollout (running, paused, rolling back, rolled back or failed): each undoes its ")
                    .append("phases and restores its flags.</p><form method=\"post\" action=\"/rollouts/emergency-rollback\" id=\"emergency\">")
                    .append(Html.csrf(s)).append(Html.reasonAndConfirm("emergency"))
                    .append("<button type=\"submit\" class=\"danger\">Roll back everything</button></form></section>");
        }
        return Web.html(status, Html.page("Rollouts", s, body.toString()));
    }

    @GET
    @Path("{id}")
    public Response detail(@CookieParam(Web.COOKIE) String cookie, @PathParam("id") String id, @QueryParam("done") String done) {
        Session s = web.require(cookie);
        LiveRollout live = new LiveRollout();
        try {
            live.rollout(clients.controller(s.token()).getRollout(GetRolloutRequest.newBuilder().setId(id).build()));
        } catch (StatusRuntimeException e) {
            return Refusals.page("Rollout", s, MeshClients.CONTROLLER, e, "<p><a href=\"/rollouts\">Back to the rollouts</a></p>");
        }
        loader.refresh(s.token(), live, true);
        Rollout r = live.rollout();
        StringBuilder body = new StringBuilder();
        if (done != null && !done.isEmpty()) {
            body.append(Html.notice(done));
        }
        body.append("<p class=\"mono\">").append(esc(r.getId())).append(" · <span id=\"live-status\" aria-live=\"polite\">connecting to ")
                .append("the live stream…</span></p>");
        if (s.may(Role.OPERATOR)) {
            body.append("<form method=\"post\" action=\"/rollouts/").append(esc(id)).append("/action\" id=\"actions\" class=\"card\">")
                    .append("<h2>Actions</h2>").append(Html.csrf(s)).append(Html.reasonAndConfirm("action")).append("<div class=\"buttons\">");
            for (String a : ACTIONS) {
                body.append("<button type=\"submit\" name=\"action\" value=\"").append(a).append("\"")
                        .append(a.equals("abort") || a.equals("rollback") ? " class=\"danger\"" : "").append(">").append(label(a)).append("</button>");
            }
            body.append("</div></form>");
        }
        body.append("<div id=\"live\" data-stream=\"/rollouts/").append(esc(id)).append("/live\">").append(RolloutRender.live(live))
                .append("</div><details><summary>Plan</summary><pre>").append(esc(r.getPlanYaml())).append("</pre></details>");
        return Web.html(200, Html.page("Rollout " + r.getName(), s, body.toString()));
    }

    @POST
    @Path("{id}/action")
    public Response action(@CookieParam(Web.COOKIE) String cookie, @PathParam("id") String id, @FormParam("csrf") String csrf,
                           @FormParam("action") String action, @FormParam("reason") String reason, @FormParam("confirm") String confirm) {
        Session s = web.action(cookie, csrf, "rollout " + action);
        web.requireRole(s, Role.OPERATOR);
        BiFunction<RolloutServiceBlockingStub, RolloutActionRequest, Rollout> call = switch (action == null ? "" : action) {
            case "pause" -> RolloutServiceBlockingStub::pauseRollout;
            case "resume" -> RolloutServiceBlockingStub::resumeRollout;
            case "promote" -> RolloutServiceBlockingStub::promoteRollout;
            case "rollback" -> RolloutServiceBlockingStub::rollbackRollout;
            case "abort" -> RolloutServiceBlockingStub::abortRollout;
            default -> null;
        };
        String back = "<p><a href=\"/rollouts/" + esc(id) + "\">Back to the rollout</a></p>";
        if (call == null || !"yes".equals(confirm) || reason == null || reason.isBlank()) {
            return Web.html(400, Html.page("Not done", s, "<div class=\"trouble\" role=\"alert\" data-status=\"INVALID_ARGUMENT\"><p><strong>"
                    + "Nothing was sent</strong>: an action needs one of " + String.join(", ", ACTIONS) + ", a reason and the "
                    + "confirmation box ticked.</p><p>What to do: go back, fill in the reason, tick \"I confirm\" and choose the "
                    + "action again.</p></div>" + back));
        }
        try {
            Rollout r = call.apply(clients.controller(s.token()), RolloutActionRequest.newBuilder().setId(id).setReason(reason.strip()).build());
            metrics.action(action, "ok");
            LOG.infof("%s %s rollout %s: now %s", s.subject(), action, id, r.getState());
            return Web.seeOther("/rollouts/" + id + "?done=" + java.net.URLEncoder.encode(label(action) + " sent; the rollout is "
                    + r.getState().name(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (StatusRuntimeException e) {
            metrics.action(action, e.getStatus().getCode().name());
            return Refusals.page("Not done", s, MeshClients.CONTROLLER, e, back);
        }
    }

    @POST
    @Path("emergency-rollback")
    public Response emergency(@CookieParam(Web.COOKIE) String cookie, @FormParam("csrf") String csrf,
                              @FormParam("reason") String reason, @FormParam("confirm") String confirm) {
        Session s = web.action(cookie, csrf, "emergency rollback");
        web.requireRole(s, Role.OPERATOR);
        if (!"yes".equals(confirm) || reason == null || reason.isBlank()) {
            return Web.html(400, Html.page("Not done", s, "<div class=\"trouble\" role=\"alert\" data-status=\"INVALID_ARGUMENT\"><p>"
                    + "<strong>Nothing was sent</strong>: emergency rollback needs a reason and the confirmation box ticked.</p>"
                    + "<p>What to do: go back and fill in both.</p></div><p><a href=\"/rollouts\">Back</a></p>"));
        }
        List<String> done = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        try {
            for (Rollout r : clients.controller(s.token()).listRollouts(ListRolloutsRequest.newBuilder().setPageSize(1000).build()).getRolloutsList()) {
                if (!ACTIVE.contains(r.getState())) {
                    continue;
                }
                try {
                    clients.controller(s.token()).abortRollout(RolloutActionRequest.newBuilder().setId(r.getId())
                            .setReason("emergency rollback: " + reason.strip()).build());
                    done.add(r.getName());
                } catch (StatusRuntimeException e) {
                    failed.add(r.getName() + " (" + e.getStatus().getCode() + ")");
                }
            }
        } catch (StatusRuntimeException e) {
            return Refusals.page("Not done", s, MeshClients.CONTROLLER, e, "<p><a href=\"/rollouts\">Back</a></p>");
        }
        metrics.action("emergency-rollback", failed.isEmpty() ? "ok" : "partial");
        LOG.infof("%s: emergency rollback aborted %s; failed %s", s.subject(), done, failed);
        String text = done.isEmpty() && failed.isEmpty() ? "No active rollout: nothing to roll back"
                : "Aborted: " + (done.isEmpty() ? "none" : String.join(", ", done)) + (failed.isEmpty() ? "" : "; refused: " + String.join(", ", failed));
        return Web.seeOther("/rollouts?done=" + java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8));
    }

    static String label(String action) {
        return switch (action) {
            case "rollback" -> "Roll back";
            default -> Character.toUpperCase(action.charAt(0)) + action.substring(1);
        };
    }
}
