package io.ulidmesh.console.web;

import static io.restassured.RestAssured.given;

import io.restassured.response.Response;

/** Signs in to the console under test through its form, as a browser does. */
record SignedIn(String session, String csrf) {
    static SignedIn as(String token) {
        Response form = given().redirects().follow(false).get("/login");
        String nonce = form.getCookie(SignInPages.LOGIN_COOKIE);
        Response r = given().redirects().follow(false).cookie(SignInPages.LOGIN_COOKIE, nonce)
                .formParam("csrf", nonce).formParam("token", token).post("/login");
        if (r.statusCode() != 303) {
            throw new AssertionError("sign-in refused: " + r.statusCode() + " " + r.body().asString());
        }
        String session = r.getCookie(Web.COOKIE);
        String page = given().cookie(Web.COOKIE, session).get("/rollouts/new").body().asString();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page);
        if (!m.find()) {
            throw new AssertionError("no CSRF field on the page: " + page);
        }
        return new SignedIn(session, m.group(1));
    }
}
