package io.ulidmesh.migration.domain.target;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** A table as the target's catalog describes it: its real name, columns and single-column unique keys. */
public record TableInfo(String name, List<Column> columns, Set<String> uniqueColumns) {

    /** The column spelled {@code name} exactly, else the only one that matches ignoring case. */
    public Optional<Column> column(String name) {
        Optional<Column> exact = columns.stream().filter(c -> c.name().equals(name)).findFirst();
        if (exact.isPresent()) {
            return exact;
        }
        List<Column> folded = columns.stream().filter(c -> c.name().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))).toList();
        return folded.size() == 1 ? Optional.of(folded.get(0)) : Optional.empty();
    }
}
