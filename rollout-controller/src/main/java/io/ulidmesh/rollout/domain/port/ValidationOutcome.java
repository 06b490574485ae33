package io.ulidmesh.rollout.domain.port;

import java.util.List;

/** What the worker's validation of a migration found: rows checked and each problem in words. */
public record ValidationOutcome(boolean passed, long rows, List<String> problems) {
}
