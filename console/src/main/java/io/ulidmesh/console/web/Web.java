package io.ulidmesh.console.web;

import io.ulidmesh.common.auth.Role;
import io.ulidmesh.console.config.ConsoleConfig;
import io.ulidmesh.console.domain.Session;
import io.ulidmesh.console.domain.Sessions;
import io.ulidmesh.console.metrics.ConsoleMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Sessions as the web layer sees them: the cookie (HttpOnly, SameSite=Strict, Secure when
 * configured), the session a request belongs to, and the CSRF check of every action.
 */
@ApplicationScoped
public class Web {
    public static final String COOKIE = "ulidmesh_console";
    private static final Logger LOG = Logger.getLogger(Web.class);

    private final Sessions sessions;
    private final ConsoleConfig config;
    private final ConsoleMetrics metrics;

    @Inject
    public Web(ConsoleConfig config, ConsoleMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        this.sessions = new Sessions(config.sessionLifetime(), config.maxSessions(), Instant::now);
    }

    public Sessions sessions() {
        return sessions;
    }

    /** The request's session, or a redirect to the sign-in page. */
    public Session require(String cookie) {
        return sessions.find(cookie).orElseThrow(() -> new WebApplicationException(
                Response.seeOther(URI.create("/login")).build()));
    }

    /** The session of an action: signed in, and the form's CSRF token is the session's; else nothing is done. */
    public Session action(String cookie, String csrf, String what) {
        Session s = require(cookie);
        if (!Sessions.csrfMatches(s, csrf)) {
            metrics.refused("csrf");
            LOG.warnf("refused %s by %s: the form had no valid CSRF token", what, s.subject());
            throw new WebApplicationException(Response.status(403).type(MediaType.TEXT_HTML_TYPE + ";charset=utf-8")
                    .entity(Html.page("Refused", s, "<div class=\"trouble\" role=\"alert\" data-status=\"CSRF\"><p><strong>"
                            + "The console refused this action</strong>: the form did not carry this session's security token, "
                            + "so it may not have come from this console.</p><p>What to do: reload the page and submit the form "
                            + "again from there. Nothing was changed.</p></div>"))
                    .build());
        }
        return s;
    }

    /** A page for a role the user lacks; the services would refuse the calls anyway. */
    public void requireRole(Session s, Role needed) {
        if (!s.may(needed)) {
            metrics.refused("role");
            throw new WebApplicationException(Response.status(403).type(MediaType.TEXT_HTML_TYPE + ";charset=utf-8")
                    .entity(Html.page("Refused", s, "<div class=\"trouble\" role=\"alert\" data-status=\"PERMISSION_DENIED\"><p>"
                            + "<strong>This needs the role " + needed.groupName() + "</strong>; you are signed in as "
                            + Html.esc(s.role().groupName()) + ".</p><p>What to do: sign in with a token of that role. "
                            + "Nothing was changed.</p></div>"))
                    .build());
        }
    }

    public NewCookie cookie(Session s) {
        long seconds = Math.max(1, Duration.between(Instant.now(), s.expiresAt()).toSeconds());
        return new NewCookie.Builder(COOKIE).value(s.id()).path("/").httpOnly(true).secure(config.secureCookie())
                .sameSite(NewCookie.SameSite.STRICT).maxAge((int) Math.min(Integer.MAX_VALUE, seconds)).build();
    }

    public NewCookie cleared() {
        return new NewCookie.Builder(COOKIE).value("").path("/").httpOnly(true).secure(config.secureCookie())
                .sameSite(NewCookie.SameSite.STRICT).maxAge(0).build();
    }

    public static Response html(int status, String page) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("utf-8")).entity(page)
                .header("Cache-Control", "no-store").build();
    }

    public static Response seeOther(String path) {
        return Response.seeOther(URI.create(path)).build();
    }
}
