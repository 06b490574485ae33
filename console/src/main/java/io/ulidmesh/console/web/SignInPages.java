package io.ulidmesh.console.web;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.SecurityIdentity;
import io.ulidmesh.common.auth.Caller;
import io.ulidmesh.common.auth.TokenVerifier;
import io.ulidmesh.console.domain.Session;
import io.ulidmesh.console.domain.Sessions;
import io.ulidmesh.console.metrics.ConsoleMetrics;
import jakarta.inject.Inject;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Sign-in by pasting a token, or by OIDC authorization code when {@code quarkus.oidc.*} is set up;
 * sign-out. Either way the token is checked as the services check it (common's TokenVerifier), and
 * it is the one the console then forwards to them.
 */
@Path("/")
public class SignInPages {
    static final String LOGIN_COOKIE = "ulidmesh_console_login";
    /** Quarkus OIDC's own session cookie (the default tenant's), present while the provider's session is known. */
    private static final String OIDC_SESSION_COOKIE = "q_session";
    private static final Logger LOG = Logger.getLogger(SignInPages.class);

    @Inject
    Web web;
    @Inject
    TokenVerifier verifier;
    @Inject
    ConsoleMetrics metrics;
    @Inject
    SecurityIdentity identity;
    @ConfigProperty(name = "quarkus.oidc.tenant-enabled", defaultValue = "false")
    boolean oidcEnabled;
    /** Quarkus' RP-initiated logout path, set for providers that offer it (application.properties). */
    @ConfigProperty(name = "quarkus.oidc.logout.path")
    Optional<String> oidcLogoutPath;

    @GET
    public Response home(@CookieParam(Web.COOKIE) String cookie) {
        return Web.seeOther(web.sessions().find(cookie).isPresent() ? "/rollouts" : "/login");
    }

    @GET
    @Path("login")
    public Response loginPage(@CookieParam(Web.COOKIE) String cookie) {
        if (web.sessions().find(cookie).isPresent()) {
            return Web.seeOther("/rollouts");
        }
        return loginForm(200, "");
    }

    @POST
    @Path("login")
    public Response login(@FormParam("token") String token, @FormParam("csrf") String csrf,
                          @CookieParam(LOGIN_COOKIE) String loginCookie) {
        // The sign-in form's own CSRF check: its hidden value must match the SameSite=Strict cookie
        // the form page set, which a form posted from another site does not carry.
        if (loginCookie == null || csrf == null || !loginCookie.equals(csrf)) {
            metrics.refused("csrf");
            return loginForm(403, "<div class=\"trouble\" role=\"alert\" data-status=\"CSRF\"><p><strong>The console refused "
                    + "this sign-in</strong>: the form did not come from this page.</p><p>What to do: sign in from this page.</p></div>");
        }
        String pasted = token == null ? "" : token.strip();
        if (pasted.regionMatches(true, 0, "Bearer ", 0, 7)) {
            pasted = pasted.substring(7).strip();
        }
        Optional<Caller> caller = pasted.isEmpty() ? Optional.empty() : verifier.verify(pasted);
        if (caller.isEmpty() || caller.get().role() == null) {
            metrics.signIn("token", "refused");
            LOG.info("sign-in refused: the token is not one the mesh trusts, has expired, or names no role");
            return loginForm(401, "<div class=\"trouble\" role=\"alert\" data-status=\"UNAUTHENTICATED\"><p><strong>The token was "
                    + "refused</strong>: it is not signed by a key the mesh trusts, has expired, or its groups name no role "
                    + "(viewer, service, operator, admin).</p><p>What to do: paste a current token, e.g. the one ./mesh up wrote "
                    + "to .mesh/secrets/admin.jwt.</p></div>");
        }
        return signedIn(caller.get(), pasted, "token");
    }

    /** Where the OIDC authorization code flow ends: Quarkus has signed the user in; the console opens its session. */
    @GET
    @Path("oidc/login")
    public Response oidcLogin() {
        if (!oidcEnabled || identity.isAnonymous()) {
            return loginForm(404, "<div class=\"trouble\" role=\"alert\" data-status=\"NOT_FOUND\"><p><strong>Single sign-on is "
                    + "not configured</strong> on this console.</p><p>What to do: paste a token, or ask the operator of the "
                    + "console to set quarkus.oidc.* (docs/console.md).</p></div>");
        }
        AccessTokenCredential access = identity.getCredential(AccessTokenCredential.class);
        String token = access == null ? null : access.getToken();
        Optional<Caller> caller = token == null ? Optional.empty() : verifier.verify(token);
        if (caller.isEmpty()) {
            metrics.signIn("oidc", "refused");
            return loginForm(401, "<div class=\"trouble\" role=\"alert\" data-status=\"UNAUTHENTICATED\"><p><strong>The identity "
                    + "provider's token is not one the mesh trusts</strong> (issuer, key or groups claim).</p><p>What to do: "
                    + "configure the services and the console with the provider's JWKS and issuer (docs/console.md).</p></div>");
        }
        return signedIn(caller.get(), token, "oidc");
    }

    @POST
    @Path("logout")
    public Response logout(@CookieParam(Web.COOKIE) String cookie, @FormParam("csrf") String csrf,
                           @CookieParam(OIDC_SESSION_COOKIE) String oidcSession) {
        Session s = web.action(cookie, csrf, "sign-out");
        web.sessions().close(s.id());
        LOG.infof("signed out: %s", s.subject());
        if (oidcEnabled && oidcLogoutPath.isPresent() && "oidc".equals(s.via()) && oidcSession != null) {
            // A single sign-on session ends at the provider too (Quarkus' logout path: RP-initiated logout),
            // so the next single sign-on asks for the password again instead of signing straight back in.
            // Not by a redirect: the form's CSP (form-action 'self') would stop its way on to the provider.
            return moveOn("Signing out", "Signed out of the console; ending the single sign-on session too.", oidcLogoutPath.get(),
                    web.cleared());
        }
        return Response.seeOther(java.net.URI.create("/login")).cookie(web.cleared()).build();
    }

    private Response signedIn(Caller caller, String token, String via) {
        Session s = web.sessions().open(caller, token, via);
        metrics.signIn(via, "ok");
        LOG.infof("signed in: %s (%s) via %s", io.ulidmesh.common.actor.AuditText.escape(s.subject()), s.role().groupName(), via);
        if ("oidc".equals(via)) {
            // The provider's redirect brought the browser here from another site, and a browser sends no
            // SameSite=Strict cookie on a redirect that such a navigation started. So the session cookie is
            // set on this page, which moves on to the rollouts itself: a navigation this site starts.
            return moveOn("Signed in", "Signed in as " + s.subject() + ".", "/rollouts", web.cookie(s), clearedLogin());
        }
        return Response.seeOther(java.net.URI.create("/rollouts")).cookie(web.cookie(s), clearedLogin()).build();
    }

    /** A page that sets {@code cookies} and goes on to {@code path} by itself (Refresh), with a link for the reader. */
    private static Response moveOn(String title, String text, String path, NewCookie... cookies) {
        return Response.fromResponse(Web.html(200, Html.page(title, null, "<p>" + Html.esc(text) + " <a href=\"" + path
                        + "\" id=\"continue\">Continue</a></p>")))
                .header("Refresh", "0; url=" + path).cookie(cookies).build();
    }

    private Response loginForm(int status, String problem) {
        String nonce = Sessions.random();
        String body = problem + "<form method=\"post\" action=\"/login\" class=\"card\">"
                + "<input type=\"hidden\" name=\"csrf\" value=\"" + nonce + "\">"
                + "<label for=\"token\">Token (a JWT whose groups name your role)</label>"
                + "<textarea id=\"token\" name=\"token\" rows=\"5\" required autocomplete=\"off\" spellcheck=\"false\"></textarea>"
                + "<button type=\"submit\">Sign in</button></form>"
                + (oidcEnabled ? "<p><a class=\"button\" href=\"/oidc/login\">Sign in with single sign-on</a></p>" : "")
                + "<p class=\"hint\">The console forwards this token to the services on your behalf; they check it and "
                + "record your name with every change. It is kept in memory only, until it expires or you sign out.</p>";
        NewCookie login = new NewCookie.Builder(LOGIN_COOKIE).value(nonce).path("/login").httpOnly(true)
                .sameSite(NewCookie.SameSite.STRICT).maxAge(3600).build();
        return Response.fromResponse(Web.html(status, Html.page("Sign in", null, body))).cookie(login).build();
    }

    private static NewCookie clearedLogin() {
        return new NewCookie.Builder(LOGIN_COOKIE).value("").path("/login").httpOnly(true)
                .sameSite(NewCookie.SameSite.STRICT).maxAge(0).build();
    }
}
