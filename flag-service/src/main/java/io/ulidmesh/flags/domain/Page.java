package io.ulidmesh.flags.domain;

import io.ulidmesh.common.paging.PageTokens;
import java.util.List;
import java.util.function.Function;

/** One page of a listing and the token of the next one (empty on the last page). */
public record Page<T>(List<T> items, String nextPageToken) {

    /**
     * The page of {@code size} out of {@code fetched}, which was read with one row more than
     * {@code size} to learn whether another page follows; its token continues after the last item.
     */
    static <T> Page<T> of(List<T> fetched, int size, String listing, Function<T, String> position) {
        if (fetched.size() <= size) {
            return new Page<>(List.copyOf(fetched), "");
        }
        List<T> items = List.copyOf(fetched.subList(0, size));
        return new Page<>(items, PageTokens.issue(listing, position.apply(items.get(size - 1))));
    }
}
