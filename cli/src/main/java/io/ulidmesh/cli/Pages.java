package io.ulidmesh.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Reads a paged List RPC (page_size, page_token → items, next_page_token) until the end or {@code limit} items. */
final class Pages {
    /** The items read, and the token of the next page (empty when there is none). */
    record All<T>(List<T> items, String nextPageToken) {
    }

    interface Fetch<P> {
        P page(int pageSize, String pageToken);
    }

    private Pages() {
    }

    static <P, T> All<T> read(int limit, Fetch<P> fetch, Function<P, List<T>> items, Function<P, String> next) {
        List<T> all = new ArrayList<>();
        String token = "";
        do {
            P page = fetch.page(Math.max(1, Math.min(1000, limit - all.size())), token);
            all.addAll(items.apply(page));
            token = next.apply(page);
        } while (!token.isEmpty() && all.size() < limit);
        return new All<>(all.size() > limit ? all.subList(0, limit) : all, token);
    }
}
