package io.ulidmesh.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RoleTest {
    @Test
    void eachRoleIncludesTheOnesBeforeIt() {
        assertThat(Role.ADMIN.includes(Role.OPERATOR)).isTrue();
        assertThat(Role.OPERATOR.includes(Role.SERVICE)).isTrue();
        assertThat(Role.SERVICE.includes(Role.VIEWER)).isTrue();
        assertThat(Role.VIEWER.includes(Role.VIEWER)).isTrue();
        assertThat(Role.VIEWER.includes(Role.SERVICE)).isFalse();
        assertThat(Role.OPERATOR.includes(Role.ADMIN)).isFalse();
    }

    @Test
    void theHighestGroupCountsAndUnknownGroupsAreIgnored() {
        assertThat(Role.highestOf(List.of("viewer", "operator", "everyone"))).contains(Role.OPERATOR);
        assertThat(Role.highestOf(List.of("admin", "viewer"))).contains(Role.ADMIN);
        assertThat(Role.highestOf(List.of("Admin", "root"))).isEmpty();
        assertThat(Role.highestOf(List.of())).isEmpty();
    }
}
