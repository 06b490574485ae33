package io.ulidmesh.rollout.domain.plan;

import java.math.BigDecimal;

/** Numbers as people write them: 5, not 5.0. */
public final class Numbers {
    private Numbers() {
    }

    public static String text(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return Double.toString(value);
        }
        return new BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
    }
}
