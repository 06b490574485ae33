package io.ulidmesh.console.web;

import io.ulidmesh.console.domain.Session;
import io.ulidmesh.console.domain.Trouble;

/** HTML text: escaping, the page frame every page shares, and refusals in words. */
public final class Html {
    private Html() {
    }

    /** Escapes text for element content and quoted attribute values. */
    public static String esc(Object value) {
        String s = value == null ? "" : value.toString();
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A whole page: navigation, the signed-in user, the theme switch and {@code body} as the main content. */
    public static String page(String title, Session session, String body) {
        StringBuilder b = new StringBuilder(4096 + body.length());
        b.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(esc(title)).append(" · ulidmesh console</title>")
                .append("<link rel=\"stylesheet\" href=\"/assets/console.css\">")
                .append("<script src=\"/assets/console.js\" defer></script></head><body>")
                .append("<a class=\"skip\" href=\"#main\">Skip to content</a><header class=\"top\">")
                .append("<strong class=\"brand\">ulidmesh</strong>");
        if (session != null) {
            b.append("<nav aria-label=\"Main\"><a href=\"/rollouts\">Rollouts</a><a href=\"/rollouts/new\">Start a rollout</a>")
                    .append("<a href=\"/flags\">Flags</a><a href=\"/migrations\">Migrations</a><a href=\"/registry\">Registry</a></nav>")
                    .append("<span class=\"who\" id=\"who\" data-role=\"").append(esc(session.role().groupName())).append("\">")
                    .append(esc(session.subject())).append(" (").append(esc(session.role().groupName())).append(")</span>")
                    .append("<form method=\"post\" action=\"/logout\" class=\"inline\">").append(csrf(session))
                    .append("<button type=\"submit\">Sign out</button></form>");
        }
        b.append("<button type=\"button\" id=\"theme-toggle\" aria-label=\"Switch between light and dark theme\">Theme</button>")
                .append("</header><main id=\"main\" tabindex=\"-1\"><h1>").append(esc(title)).append("</h1>")
                .append(body).append("</main></body></html>");
        return b.toString();
    }

    /** The hidden CSRF field every form that changes something carries. */
    public static String csrf(Session session) {
        return "<input type=\"hidden\" name=\"csrf\" value=\"" + esc(session.csrf()) + "\">";
    }

    /** A refusal: the service, the status, its message and what to do. */
    public static String trouble(Trouble t) {
        return "<div class=\"trouble\" role=\"alert\" data-status=\"" + esc(t.status()) + "\"><p><strong>" + esc(t.service())
                + " answered " + esc(t.status()) + "</strong>" + (t.message().isEmpty() ? "" : ": " + esc(t.message()))
                + "</p><p>What to do: " + esc(t.advice()) + "</p></div>";
    }

    /** A short confirmation of what was done. */
    public static String notice(String text) {
        return "<div class=\"notice\" role=\"status\">" + esc(text) + "</div>";
    }

    /** A labelled reason field and a confirmation box, which every action asks for. */
    public static String reasonAndConfirm(String idPrefix) {
        return "<label for=\"" + idPrefix + "-reason\">Reason</label>"
                + "<input id=\"" + idPrefix + "-reason\" name=\"reason\" required maxlength=\"500\" autocomplete=\"off\">"
                + "<label class=\"check\"><input type=\"checkbox\" name=\"confirm\" value=\"yes\" required> I confirm</label>";
    }
}
