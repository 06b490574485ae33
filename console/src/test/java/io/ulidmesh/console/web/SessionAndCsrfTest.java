package io.ulidmesh.console.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.ulidmesh.testsupport.TestTokens;
import org.junit.jupiter.api.Test;

/**
 * The console's own endpoints, with no service reachable (port 9): sign-in and its refusals, the
 * session cookie's attributes, CSRF refusals that send nothing, role-dependent rendering, and
 * errors shown in words.
 */
@QuarkusTest
class SessionAndCsrfTest {

    @Test
    void pagesNeedASession() {
        given().redirects().follow(false).get("/rollouts").then().statusCode(303).header("Location", containsString("/login"));
        given().redirects().follow(false).cookie(Web.COOKIE, "made-up").get("/flags").then().statusCode(303);
    }

    @Test
    void signInSetsAStrictHttpOnlyCookie() {
        Response form = given().redirects().follow(false).get("/login");
        form.then().statusCode(200).body(containsString("<label for=\"token\">"));
        String nonce = form.getCookie(SignInPages.LOGIN_COOKIE);
        Response r = given().redirects().follow(false).cookie(SignInPages.LOGIN_COOKIE, nonce).formParam("csrf", nonce)
                .formParam("token", "Bearer " + TestTokens.token("alice", "operator")).post("/login");
        assertThat(r.statusCode()).isEqualTo(303);
        String setCookie = r.getHeaders().getValues("Set-Cookie").stream().filter(c -> c.startsWith(Web.COOKIE + "=")).findFirst().orElseThrow();
        assertThat(setCookie).contains("HttpOnly").containsIgnoringCase("SameSite=Strict").contains("Path=/");
        given().cookie(Web.COOKIE, r.getCookie(Web.COOKIE)).get("/rollouts/new").then().statusCode(200)
                .body(containsString("alice (operator)"));
    }

    @Test
    void untrustedTokensAreRefusedInWords() {
        for (String token : new String[] {TestTokens.forged("mallory", "admin"), TestTokens.expired("bob", "admin"),
                TestTokens.wrongIssuer("eve", "admin"), "not a token"}) {
            Response form = given().get("/login");
            String nonce = form.getCookie(SignInPages.LOGIN_COOKIE);
            given().redirects().follow(false).cookie(SignInPages.LOGIN_COOKIE, nonce).formParam("csrf", nonce).formParam("token", token)
                    .post("/login").then().statusCode(401).header("Set-Cookie", not(containsString(Web.COOKIE + "=")))
                    .body(containsString("The token was refused")).body(containsString("What to do"));
        }
    }

    @Test
    void signInFromAnotherSiteIsRefused() {
        // A form posted from elsewhere carries no SameSite=Strict login cookie.
        given().redirects().follow(false).formParam("csrf", "guess").formParam("token", TestTokens.token("alice", "operator"))
                .post("/login").then().statusCode(403).header("Set-Cookie", not(containsString(Web.COOKIE + "=")));
    }

    @Test
    void actionsWithoutTheCsrfTokenAreRefusedAndSendNothing() {
        SignedIn op = SignedIn.as(TestTokens.token("olga", "operator"));
        // Without the token, and with another one: 403 and the console's own words, before any call.
        given().redirects().follow(false).cookie(Web.COOKIE, op.session()).formParam("action", "pause").formParam("reason", "x")
                .formParam("confirm", "yes").post("/rollouts/01J0000000000000000000000A/action")
                .then().statusCode(403).body(containsString("did not carry this session's security token"))
                .body(containsString("Nothing was changed"));
        given().redirects().follow(false).cookie(Web.COOKIE, op.session()).formParam("csrf", "someone-elses")
                .formParam("state", "on").formParam("reason", "x").formParam("confirm", "yes").formParam("expected_version", "1")
                .post("/flags/use_v2").then().statusCode(403);
        given().redirects().follow(false).cookie(Web.COOKIE, op.session()).formParam("reason", "x").formParam("confirm", "yes")
                .post("/rollouts/emergency-rollback").then().statusCode(403);
        given().redirects().follow(false).cookie(Web.COOKIE, op.session()).post("/logout").then().statusCode(403);
        // With it, the call goes to the controller, which is not reachable here: its refusal in words.
        given().redirects().follow(false).cookie(Web.COOKIE, op.session()).formParam("csrf", op.csrf()).formParam("action", "pause")
                .formParam("reason", "x").formParam("confirm", "yes").post("/rollouts/01J0000000000000000000000A/action")
                .then().statusCode(502).body(containsString("rollout-controller answered UNAVAILABLE"))
                .body(containsString("What to do: Check that rollout-controller is running"));
    }

    @Test
    void anActionNeedsAReasonAndConfirmation() {
        SignedIn op = SignedIn.as(TestTokens.token("olga", "operator"));
        given().redirects().follow(false).cookie(Web.COOKIE, op.session()).formParam("csrf", op.csrf()).formParam("action", "abort")
                .formParam("reason", "x").post("/rollouts/01J0000000000000000000000A/action")
                .then().statusCode(400).body(containsString("Nothing was sent"));
        given().redirects().follow(false).cookie(Web.COOKIE, op.session()).formParam("csrf", op.csrf()).formParam("action", "abort")
                .formParam("confirm", "yes").post("/rollouts/01J0000000000000000000000A/action").then().statusCode(400);
    }

    @Test
    void aViewerSeesNoActionsAndIsRefusedThem() {
        SignedIn viewer = SignedIn.as(TestTokens.token("vera", "viewer"));
        SignedIn op = SignedIn.as(TestTokens.token("olga", "operator"));
        String viewerList = given().cookie(Web.COOKIE, viewer.session()).get("/rollouts").body().asString();
        String operatorList = given().cookie(Web.COOKIE, op.session()).get("/rollouts").body().asString();
        assertThat(viewerList).contains("rollout-controller answered UNAVAILABLE").doesNotContain("Emergency rollback")
                .doesNotContain("type=\"submit\" class=\"danger\"");
        assertThat(operatorList).contains("rollout-controller answered UNAVAILABLE").contains("id=\"emergency\"");
        String viewerStart = given().cookie(Web.COOKIE, viewer.session()).get("/rollouts/new").body().asString();
        assertThat(viewerStart).contains("value=\"check\"").doesNotContain("value=\"start\"");
        // Posting the action anyway: refused by the console before any call (the services would refuse too).
        given().redirects().follow(false).cookie(Web.COOKIE, viewer.session()).formParam("csrf", viewer.csrf()).formParam("action", "pause")
                .formParam("reason", "x").formParam("confirm", "yes").post("/rollouts/01J0000000000000000000000A/action")
                .then().statusCode(403).body(containsString("This needs the role operator"));
    }

    @Test
    void signOutEndsTheSession() {
        SignedIn op = SignedIn.as(TestTokens.token("olga", "operator"));
        given().redirects().follow(false).cookie(Web.COOKIE, op.session()).formParam("csrf", op.csrf()).post("/logout")
                .then().statusCode(303).header("Set-Cookie", containsString("Max-Age=0"));
        given().redirects().follow(false).cookie(Web.COOKIE, op.session()).get("/rollouts").then().statusCode(303);
    }

    @Test
    void singleSignOnIsOffUntilConfigured() {
        given().get("/login").then().body(not(containsString("/oidc/login")));
        given().redirects().follow(false).get("/oidc/login").then().statusCode(404).body(containsString("Single sign-on is not configured"));
    }

    @Test
    void pagesAreThemedAndServeTheirAssets() {
        given().get("/login").then().body(containsString("id=\"theme-toggle\"")).body(containsString("/assets/console.css"))
                .header("Content-Security-Policy", containsString("default-src 'self'"));
        given().get("/assets/console.css").then().statusCode(200).body(containsString("prefers-color-scheme: dark"));
        given().get("/assets/console.js").then().statusCode(200).body(containsString("EventSource"));
    }
}
