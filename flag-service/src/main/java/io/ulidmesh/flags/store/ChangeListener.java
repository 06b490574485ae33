package io.ulidmesh.flags.store;

import io.ulidmesh.common.jdbc.PgListener;
import io.ulidmesh.flags.domain.Flags;
import java.util.List;

/**
 * Brings changes made through any replica to this one: LISTENs (common's {@link PgListener}) and,
 * at every notification, has {@link Flags#catchUp} read the history after the last revision it
 * published, so lost or coalesced notifications cost nothing. It also reads at least every
 * {@code pollMillis}, and after a lost connection it catches up as soon as it LISTENs again.
 */
public final class ChangeListener implements PgListener.Handler {
    private final Flags flags;
    private final PgListener listener;

    public ChangeListener(PgListener.Connector connector, Flags flags, int pollMillis) {
        this.flags = flags;
        this.listener = new PgListener("flag-change-listener", JdbcFlagRepository.CHANNEL, connector, pollMillis, this);
    }

    public void start() {
        listener.start();
    }

    public void stop() {
        listener.stop();
    }

    @Override
    public void listening() {
        flags.catchUp();
    }

    /** A poll that saw nothing reads anyway; notifications of revisions already published (by its own catch-up) need no read. */
    @Override
    public void notified(List<String> payloads) {
        if (payloads.isEmpty() || newer(payloads)) {
            flags.catchUp();
        }
    }

    private boolean newer(List<String> payloads) {
        long published = flags.published();
        for (String payload : payloads) {
            try {
                if (Long.parseLong(payload) > published) {
                    return true;
                }
            } catch (NumberFormatException e) {
                return true;
            }
        }
        return false;
    }
}
