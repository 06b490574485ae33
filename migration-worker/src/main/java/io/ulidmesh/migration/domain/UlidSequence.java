package io.ulidmesh.migration.domain;

import com.github.f4b6a3.ulid.Ulid;
import java.security.SecureRandom;
import java.util.Random;

/**
 * Mints the backfill's ULIDs. The time part is the row's own time (from {@code timestamp_column})
 * or now; rows that share a millisecond one after another get increasing ULIDs (random part + 1),
 * as ULID's monotonic mode prescribes. Its state is the last ULID, which the checkpoint stores,
 * so a restarted worker continues after it instead of minting it again.
 */
public final class UlidSequence {
    private final Random random;
    private Ulid last;

    public UlidSequence(String lastUlid) {
        this(lastUlid, new SecureRandom());
    }

    UlidSequence(String lastUlid, Random random) {
        this.random = random;
        this.last = lastUlid == null || lastUlid.isEmpty() ? null : Ulid.from(lastUlid);
    }

    /** The next ULID for a row whose time is {@code epochMillis}. */
    public String next(long epochMillis) {
        long millis = Math.max(0, Math.min(epochMillis, 0xFFFFFFFFFFFFL));
        if (last != null && last.getTime() == millis) {
            last = last.increment();
        } else {
            byte[] bytes = new byte[16];
            random.nextBytes(bytes);
            long msb = (millis << 16) | ((bytes[0] & 0xFFL) << 8) | (bytes[1] & 0xFFL);
            long lsb = 0;
            for (int i = 2; i < 10; i++) {
                lsb = (lsb << 8) | (bytes[i] & 0xFFL);
            }
            last = new Ulid(msb, lsb);
        }
        return last.toString();
    }

    /** The last ULID minted (the checkpoint's generator state), empty before the first. */
    public String last() {
        return last == null ? "" : last.toString();
    }
}
