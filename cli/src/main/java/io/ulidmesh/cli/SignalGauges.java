package io.ulidmesh.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The last value of every health signal, read from the controller's {@code ulidmesh_rollout_signal}
 * gauge on {@code /q/metrics} (the controller has no RPC or stream for signal values, so the live
 * view reads it once per plan interval). Best effort: an unreachable endpoint gives no values.
 */
public final class SignalGauges {
    private static final Pattern GAUGE = Pattern.compile("^ulidmesh_rollout_signal\\{([^}]*)}\\s+(\\S+)");
    private static final Pattern SIGNAL_LABEL = Pattern.compile("(?:^|,)signal=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final HttpClient http;
    private final URI metrics;

    SignalGauges(Settings settings) {
        Settings.Address controller = settings.address(Mesh.Service.CONTROLLER);
        String host = controller.host().contains(":") ? "[" + controller.host() + "]" : controller.host();
        this.metrics = URI.create((settings.tls() ? "https" : "http") + "://" + host + ":" + controller.port() + "/q/metrics");
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        if (settings.tls() && settings.tlsCa() != null) {
            SSLContext ssl = trusting(settings);
            if (ssl != null) {
                builder.sslContext(ssl);
            }
        }
        this.http = builder.build();
    }

    /** Signal name → last value; empty when the endpoint cannot be read. */
    Map<String, Double> read() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? parse(response.body()) : Map.of();
        } catch (IOException e) {
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
    }

    /** Signal name → last value in a Prometheus exposition (also used by the console). */
    public static Map<String, Double> parse(String exposition) {
        Map<String, Double> values = new HashMap<>();
        for (String line : exposition.split("\n")) {
            Matcher m = GAUGE.matcher(line);
            if (!m.find()) {
                continue;
            }
            Matcher label = SIGNAL_LABEL.matcher(m.group(1));
            if (!label.find()) {
                continue;
            }
            try {
                double value = Double.parseDouble(m.group(2));
                if (!Double.isNaN(value)) {
                    values.put(label.group(1).replace("\\\"", "\"").replace("\\\\", "\\"), value);
                }
            } catch (NumberFormatException ignored) {
                // not a sample line
            }
        }
        return values;
    }

    private static SSLContext trusting(Settings settings) {
        try (InputStream in = Files.newInputStream(settings.tlsCa())) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca" + i++, c);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            return null;
        }
    }
}
