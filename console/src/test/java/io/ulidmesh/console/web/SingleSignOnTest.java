package io.ulidmesh.console.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With {@code quarkus.oidc.*} set, sign-in by OIDC authorization code is on: the sign-in page
 * offers it and {@code /oidc/login} sends the browser to the provider's authorization endpoint
 * with a code request for this client. (No provider runs here: the endpoints are given directly,
 * as for a provider without discovery, and nothing is fetched from them until a code comes back.
 * The whole round trip with a real provider is {@code SingleSignOnIT}.)
 */
@QuarkusTest
@TestProfile(SingleSignOnTest.Configured.class)
class SingleSignOnTest {

    public static class Configured implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.oidc.tenant-enabled", "true",
                    "quarkus.oidc.auth-server-url", "http://127.0.0.1:9/realms/ulidmesh",
                    "quarkus.oidc.discovery-enabled", "false",
                    "quarkus.oidc.authorization-path", "protocol/openid-connect/auth",
                    "quarkus.oidc.token-path", "protocol/openid-connect/token",
                    "quarkus.oidc.introspection-path", "protocol/openid-connect/token/introspect",
                    "quarkus.oidc.public-key", "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAstpJX/Cd2Y38H2EccvAyCMPlffA7uSMTSVtQyjFq34udlCaoy3CwQpX5GJ6ES9gppwqS5VPbDSJBPF69gv/vj/4Am09tF/9EEYQrIiblyvPqa2bqDl62Qo8XCsXx71XE8AHBTHzD6exTnahPn5mRg1fJaRZmilkOtpUI9tdWxbQj9ptZT/gNhaVXtsu5QiyNJWH2ZlG9MLhXqeGLElKZV0bNBycPes0E+MO+xKhUfi6V2spIVbC4YRE3KhlcidJEc17H2UZmh49I53paqrpJPsHbdg0t0AnnyWtHuQKn+PWR+8Ib5dwIwv8XL/XvlywQkRn9MkRmYSXW6dTxQ5FAhwIDAQAB",
                    "quarkus.oidc.client-id", "ulidmesh-console",
                    "quarkus.oidc.credentials.secret", "test-secret");
        }
    }

    @Test
    void theSignInPageOffersSingleSignOn() {
        given().get("/login").then().statusCode(200).body(containsString("href=\"/oidc/login\""));
    }

    @Test
    void oidcLoginRedirectsToTheProvidersAuthorizationEndpoint() {
        Response r = given().redirects().follow(false).get("/oidc/login");
        assertThat(r.statusCode()).isEqualTo(302);
        URI location = URI.create(r.getHeader("Location"));
        assertThat(location.getHost()).isEqualTo("127.0.0.1");
        assertThat(location.getPath()).isEqualTo("/realms/ulidmesh/protocol/openid-connect/auth");
        assertThat(location.getQuery()).contains("response_type=code").contains("client_id=ulidmesh-console")
                .contains("scope=openid").contains("redirect_uri=").contains("/oidc/login");
    }

    @Test
    void thePastedTokenStillWorks() {
        SignedIn.as(io.ulidmesh.testsupport.TestTokens.token("alice", "viewer"));
    }

    @Test
    void aPastedTokensSessionSignsOutAtTheConsoleOnly() {
        // Only a session that single sign-on opened goes on to the provider's logout (SingleSignOnIT);
        // a pasted token's goes straight to the sign-in page, whatever OIDC cookie the browser has.
        SignedIn alice = SignedIn.as(io.ulidmesh.testsupport.TestTokens.token("alice", "operator"));
        Response r = given().redirects().follow(false).cookie(Web.COOKIE, alice.session()).cookie("q_session", "stale")
                .formParam("csrf", alice.csrf()).post("/logout");
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.getHeader("Location")).endsWith("/login");
        assertThat(r.getHeader("Set-Cookie")).contains(Web.COOKIE + "=").contains("Max-Age=0");
        given().redirects().follow(false).cookie(Web.COOKIE, alice.session()).get("/rollouts").then().statusCode(303);
    }
}
