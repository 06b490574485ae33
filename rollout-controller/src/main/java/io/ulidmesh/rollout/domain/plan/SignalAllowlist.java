package io.ulidmesh.rollout.domain.plan;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where pulled signals may come from, so that a plan cannot make the controller send requests to
 * any host it names (SSRF): a prometheus signal's URL (without one, the configured Prometheus) must
 * lie under an allowed URL prefix, and a grpc-health target must be an allowed host:port. URLs are
 * compared parsed (scheme, host, port, path segments), never as strings, so
 * {@code http://prom:9090@evil} or {@code http://prom:90901} do not pass for {@code http://prom:9090}.
 */
public final class SignalAllowlist {
    public static final String URLS = "ulidmesh.rollout.allowed-signal-urls";
    public static final String TARGETS = "ulidmesh.rollout.allowed-health-targets";
    public static final String DEFAULT_URL = "ulidmesh.rollout.prometheus-url";
    public static final String WEBHOOKS = "ulidmesh.rollout.allowed-webhook-urls";
    private static final int MAX_URL = 2048;

    private final URI defaultUrl;
    private final List<URI> prefixes = new ArrayList<>();
    private final Set<String> targets = new LinkedHashSet<>();
    private final List<URI> webhooks = new ArrayList<>();

    /** A bad entry is an IllegalArgumentException naming its setting, so the service does not start with it. */
    public SignalAllowlist(String defaultUrl, List<String> allowedUrls, List<String> allowedTargets) {
        this(defaultUrl, allowedUrls, allowedTargets, List.of());
    }

    /** With the URL prefixes plans' notification webhooks must be under ({@value #WEBHOOKS}; none: plans may name none). */
    public SignalAllowlist(String defaultUrl, List<String> allowedUrls, List<String> allowedTargets, List<String> allowedWebhooks) {
        allowedWebhooks.stream().map(String::strip).filter(u -> !u.isEmpty()).forEach(u -> webhooks.add(setting(WEBHOOKS, u)));
        this.defaultUrl = setting(DEFAULT_URL, defaultUrl);
        allowedUrls.stream().map(String::strip).filter(u -> !u.isEmpty()).forEach(u -> prefixes.add(setting(URLS, u)));
        for (String t : allowedTargets) {
            if (t.isBlank()) {
                continue;
            }
            if (targetProblem(t.strip()) != null) {
                throw new IllegalArgumentException(TARGETS + ": '" + t.strip() + "' " + targetProblem(t.strip()));
            }
            targets.add(normal(t.strip()));
        }
    }

    /**
     * What is wrong with {@code url} as any signal URL, or null: it must be an absolute http(s) URL
     * with a host, and without user info, query, fragment, dot segments or escapes in its path.
     */
    public static String urlProblem(String url) {
        if (url.length() > MAX_URL) {
            return "is longer than " + MAX_URL + " characters";
        }
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            return "is not a URL";
        }
        String scheme = u.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            return "must be an http or https URL" + (scheme == null ? "" : ", not " + scheme + ":");
        }
        if (u.getRawUserInfo() != null) {
            return "must not carry user info (user:password@)";
        }
        if (u.getHost() == null) {
            return "has no host";
        }
        if (u.getRawQuery() != null || u.getRawFragment() != null) {
            return "must not have a query or fragment";
        }
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        if (path.contains("%") || path.contains("\\") || Arrays.asList(path.split("/")).contains("..")
                || Arrays.asList(path.split("/")).contains(".")) {
            return "must not have percent escapes or . and .. segments in its path";
        }
        return null;
    }

    /** What is wrong with {@code target} as host:port, or null. */
    public static String targetProblem(String target) {
        int colon = target.lastIndexOf(':');
        if (colon <= 0 || target.substring(0, colon).chars().anyMatch(c -> c == ':' || Character.isWhitespace(c))) {
            return "is not host:port";
        }
        String port = target.substring(colon + 1);
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            return "is not host:port with a port in 1..65535";
        }
        return null;
    }

    /**
     * Why {@code s} may not be pulled, as "{@code url: ...}" or "{@code target: ...}" naming the
     * setting; null when it may (and for push signals, which are never pulled).
     */
    public String problem(SignalSpec s) {
        return problem(s.source(), s.url(), s.target());
    }

    String problem(SignalSource source, String url, String target) {
        if (source == SignalSource.PROMETHEUS) {
            if (url == null || url.isBlank()) {
                return allowed(defaultUrl) ? null : "url: none given, and the configured Prometheus (" + DEFAULT_URL
                        + ") is not under " + URLS;
            }
            String syntax = urlProblem(url);
            if (syntax != null) {
                return "url: " + syntax;
            }
            return allowed(URI.create(url)) ? null : "url: '" + url + "' is not under an allowed signal URL (" + URLS + ")";
        }
        if (source == SignalSource.GRPC_HEALTH) {
            if (target == null || targetProblem(target) != null) {
                return "target: '" + target + "' is not host:port";
            }
            return targets.contains(normal(target)) ? null
                    : "target: '" + target + "' is not an allowed health target (" + TARGETS + ")";
        }
        return null;
    }

    /** Every pulled signal of {@code plan} that may not be pulled, as {@code signals[i].field: ...}. */
    public List<String> problems(Plan plan) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < plan.signals().size(); i++) {
            String p = problem(plan.signals().get(i));
            if (p != null) {
                problems.add("signals[" + i + "]." + p);
            }
        }
        return problems;
    }

    /** Why a plan's webhook may not be called (not under {@value #WEBHOOKS}), or null. */
    public String webhookProblem(String url) {
        String syntax = urlProblem(url);
        if (syntax != null) {
            return syntax;
        }
        return under(webhooks, URI.create(url)) ? null : "'" + url + "' is not under an allowed webhook URL (" + WEBHOOKS + ")";
    }

    private boolean allowed(URI url) {
        return under(prefixes, url);
    }

    private static boolean under(List<URI> prefixes, URI url) {
        return prefixes.stream().anyMatch(p -> p.getScheme().equalsIgnoreCase(url.getScheme())
                && p.getHost().equalsIgnoreCase(url.getHost()) && port(p) == port(url) && under(path(url), path(p)));
    }

    private static boolean under(String path, String prefix) {
        return prefix.isEmpty() || path.equals(prefix) || path.startsWith(prefix + "/");
    }

    /** The raw path without trailing slashes: {@code http://p:9090/} and {@code http://p:9090} are one server. */
    private static String path(URI u) {
        return u.getRawPath() == null ? "" : u.getRawPath().replaceAll("/+$", "");
    }

    private static int port(URI u) {
        return u.getPort() != -1 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    private static String normal(String target) {
        int colon = target.lastIndexOf(':');
        return target.substring(0, colon).toLowerCase(Locale.ROOT) + ":" + Integer.parseInt(target.substring(colon + 1));
    }

    private static URI setting(String name, String url) {
        String problem = urlProblem(url.strip());
        if (problem != null) {
            // a URL with user info may hold a password: not repeated in the startup error
            throw new IllegalArgumentException(name + ": " + (problem.contains("user info") ? "a URL" : "'" + url.strip() + "'")
                    + " " + problem);
        }
        return URI.create(url.strip());
    }
}
