package io.ulidmesh.rollout.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.ulidmesh.rollout.domain.RolloutEventRecord.EventType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The read side: views with the worker's migration ids, pages of rollouts, the whole event log. */
class RolloutQueriesTest {
    final Controller c = new Controller();

    @Test
    void aViewCarriesEachMigrationsWorkerIdOnceItIsCreated() {
        RolloutRecord r = c.start("""
                name: viewed
                phases:
                  - name: one
                    migrations:
                      - { target: t, table: a, key: id, ulid_column: u }
                  - name: two
                    migrations:
                      - { target: t, table: b, key: id, ulid_column: u }
                """);
        RolloutView view = c.queries.get(r.id());
        assertThat(view.plan().name()).isEqualTo("viewed");
        assertThat(view.migrationIds()).containsExactly(List.of("m1"), List.of(""));
    }

    @Test
    void listsNewestFirstBeforeAGivenId() {
        String first = c.actions.create("name: a\nphases: [ { name: x } ]\n", false, "alice").id();
        String second = c.actions.create("name: b\nphases: [ { name: x } ]\n", false, "alice").id();
        String third = c.actions.create("name: c\nphases: [ { name: x } ]\n", false, "alice").id();

        assertThat(c.queries.list(2, null)).extracting(v -> v.rollout().id()).containsExactly(third, second);
        assertThat(c.queries.list(2, second)).extracting(v -> v.rollout().id()).containsExactly(first);
    }

    @Test
    void eventsAfterReadsEveryPageOfTheLog() {
        String id = c.actions.create("name: long\nphases: [ { name: x } ]\n", false, "alice").id();
        for (int i = 0; i < 1_200; i++) {
            c.store.event(id, EventType.SIGNAL_NO_DATA, "x", "gap " + i, "test");
        }
        List<RolloutEventRecord> all = c.queries.eventsAfter(id, 0);
        assertThat(all).hasSize(1_201);
        assertThat(all).extracting(RolloutEventRecord::sequence).isSorted().doesNotHaveDuplicates();
        assertThat(c.queries.eventsAfter(id, 1_000)).extracting(RolloutEventRecord::sequence).startsWith(1_001L).hasSize(201);
        assertThat(c.queries.eventsAfter(id, 1_201)).isEmpty();
    }
}
