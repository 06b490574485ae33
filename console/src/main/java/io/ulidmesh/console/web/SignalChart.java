package io.ulidmesh.console.web;

import static io.ulidmesh.console.web.Html.esc;

import io.ulidmesh.console.domain.LiveRollout.Point;
import io.ulidmesh.console.domain.LiveRollout.Thresholds;
import java.util.List;
import java.util.Locale;

/** A signal as a small inline SVG line chart: its recent values, its threshold lines, breaches marked. */
final class SignalChart {
    private static final int W = 280;
    private static final int H = 90;
    private static final int PAD = 6;

    private SignalChart() {
    }

    static String svg(String name, List<Point> points, Thresholds t) {
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (Point p : points) {
            min = Math.min(min, p.value());
            max = Math.max(max, p.value());
        }
        if (t != null && t.above() != null) {
            min = Math.min(min, t.above());
            max = Math.max(max, t.above());
        }
        if (t != null && t.below() != null) {
            min = Math.min(min, t.below());
            max = Math.max(max, t.below());
        }
        if (max - min < 1e-9) {
            max = min + 1;
        }
        double last = points.isEmpty() ? Double.NaN : points.get(points.size() - 1).value();
        StringBuilder b = new StringBuilder(1024);
        String desc = name + ": last value " + num(last) + (t == null ? "" : (t.above() != null ? ", rolls back above " + num(t.above()) : "")
                + (t.below() != null ? ", rolls back below " + num(t.below()) : ""));
        b.append("<figure class=\"chart\" data-signal=\"").append(esc(name)).append("\"><svg viewBox=\"0 0 ").append(W).append(' ').append(H)
                .append("\" width=\"").append(W).append("\" height=\"").append(H).append("\" role=\"img\" aria-label=\"").append(esc(desc)).append("\">");
        if (t != null && t.above() != null) {
            line(b, y(t.above(), min, max), "threshold");
        }
        if (t != null && t.below() != null) {
            line(b, y(t.below(), min, max), "threshold");
        }
        StringBuilder poly = new StringBuilder();
        int n = points.size();
        for (int i = 0; i < n; i++) {
            Point p = points.get(i);
            double x = n == 1 ? W / 2.0 : PAD + (W - 2.0 * PAD) * i / (n - 1);
            poly.append(fmt(x)).append(',').append(fmt(y(p.value(), min, max))).append(' ');
        }
        b.append("<polyline class=\"series\" fill=\"none\" points=\"").append(poly.toString().strip()).append("\"/>");
        for (int i = 0; i < n; i++) {
            Point p = points.get(i);
            if (p.breach()) {
                double x = n == 1 ? W / 2.0 : PAD + (W - 2.0 * PAD) * i / (n - 1);
                b.append("<circle class=\"breach\" r=\"3.5\" cx=\"").append(fmt(x)).append("\" cy=\"").append(fmt(y(p.value(), min, max))).append("\"/>");
            }
        }
        b.append("</svg><figcaption><strong>").append(esc(name)).append("</strong> ").append(esc(num(last)));
        if (t != null) {
            b.append(" <small>(threshold").append(t.above() != null ? " &gt; " + esc(num(t.above())) : "")
                    .append(t.below() != null ? " &lt; " + esc(num(t.below())) : "").append(")</small>");
        }
        return b.append("</figcaption></figure>").toString();
    }

    private static void line(StringBuilder b, double y, String cls) {
        b.append("<line class=\"").append(cls).append("\" x1=\"0\" x2=\"").append(W).append("\" y1=\"").append(fmt(y)).append("\" y2=\"")
                .append(fmt(y)).append("\"/>");
    }

    private static double y(double v, double min, double max) {
        return H - PAD - (H - 2.0 * PAD) * (v - min) / (max - min);
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.1f", d);
    }

    static String num(double d) {
        if (Double.isNaN(d)) {
            return "—";
        }
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : String.format(Locale.ROOT, "%.4g", d);
    }
}
