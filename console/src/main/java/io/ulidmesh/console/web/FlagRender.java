package io.ulidmesh.console.web;

import io.ulidmesh.proto.flags.v1.Flag;
import java.math.BigDecimal;

/** How a flag's state reads: on, off or a percentage. */
final class FlagRender {
    private FlagRender() {
    }

    static String value(Flag f) {
        return value(f.getBasisPoints());
    }

    static String value(int basisPoints) {
        if (basisPoints >= 10000) {
            return "on";
        }
        if (basisPoints <= 0) {
            return "off";
        }
        return BigDecimal.valueOf(basisPoints, 2).stripTrailingZeros().toPlainString() + "%";
    }
}
