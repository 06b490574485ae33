package io.ulidmesh.console.web;

import static io.ulidmesh.console.web.Html.esc;

import io.ulidmesh.proto.resolution.v1.Edge;
import io.ulidmesh.proto.resolution.v1.Reference;
import io.ulidmesh.proto.resolution.v1.TraceResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A trace as an inline SVG graph: one column per system, the origin's system first, links as lines. */
final class TraceGraph {
    private static final int COL = 210;
    private static final int ROW = 54;

    private TraceGraph() {
    }

    record Node(Reference ref, double x, double y) {
    }

    static String svg(TraceResponse t) {
        Map<String, List<Reference>> bySystem = new LinkedHashMap<>();
        bySystem.computeIfAbsent(t.getOrigin().getSystem(), k -> new ArrayList<>()).add(t.getOrigin());
        t.getRelatedList().forEach(r -> bySystem.computeIfAbsent(r.getSystem(), k -> new ArrayList<>()).add(r));
        Map<String, Node> nodes = new LinkedHashMap<>();
        int col = 0;
        int rows = 1;
        for (List<Reference> refs : bySystem.values()) {
            for (int i = 0; i < refs.size(); i++) {
                nodes.put(refs.get(i).getUlid(), new Node(refs.get(i), 20 + col * COL, 40 + i * ROW));
            }
            rows = Math.max(rows, refs.size());
            col++;
        }
        int w = Math.max(COL, col * COL);
        int h = 30 + rows * ROW;
        StringBuilder b = new StringBuilder("<svg class=\"graph\" id=\"trace-graph\" viewBox=\"0 0 ").append(w).append(' ').append(h)
                .append("\" width=\"").append(w).append("\" height=\"").append(h).append("\" role=\"img\" aria-label=\"Trace of ")
                .append(esc(t.getOrigin().getUlid())).append(": ").append(nodes.size()).append(" references in ").append(bySystem.size())
                .append(" systems, ").append(t.getEdgesCount()).append(" links\">");
        col = 0;
        for (String system : bySystem.keySet()) {
            b.append("<text x=\"").append(20 + col++ * COL).append("\" y=\"16\" font-weight=\"bold\">").append(esc(system)).append("</text>");
        }
        for (Edge e : t.getEdgesList()) {
            Node from = nodes.get(e.getFromUlid());
            Node to = nodes.get(e.getToUlid());
            if (from != null && to != null) {
                b.append("<line x1=\"").append(f(from.x() + 6)).append("\" y1=\"").append(f(from.y())).append("\" x2=\"").append(f(to.x() + 6))
                        .append("\" y2=\"").append(f(to.y())).append("\"><title>").append(esc(e.getRelation())).append("</title></line>");
            }
        }
        for (Node n : nodes.values()) {
            boolean origin = n.ref().getUlid().equals(t.getOrigin().getUlid());
            b.append("<a href=\"/registry?ulid=").append(esc(n.ref().getUlid())).append("\"><circle").append(origin ? " class=\"origin\"" : "")
                    .append(" r=\"6\" cx=\"").append(f(n.x() + 6)).append("\" cy=\"").append(f(n.y())).append("\"/><text x=\"").append(f(n.x() + 16))
                    .append("\" y=\"").append(f(n.y() - 2)).append("\">").append(esc(n.ref().getReferenceType() + " " + n.ref().getReference()))
                    .append("</text><text x=\"").append(f(n.x() + 16)).append("\" y=\"").append(f(n.y() + 12)).append("\" class=\"mono\">")
                    .append(esc(n.ref().getUlid().substring(0, Math.min(10, n.ref().getUlid().length())))).append("…</text></a>");
        }
        return b.append("</svg>").toString();
    }

    private static String f(double d) {
        return String.format(Locale.ROOT, "%.1f", d);
    }
}
