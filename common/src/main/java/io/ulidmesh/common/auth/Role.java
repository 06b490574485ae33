package io.ulidmesh.common.auth;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * What a caller may do, from the token's {@code groups} claim. Each role includes the ones before
 * it, so a token needs to name only its highest.
 */
public enum Role {
    /** Every read: resolve, trace, export, stats, flag reads and evaluation, rollout and migration reads. */
    VIEWER,
    /** What ecosystem systems call: generate, register, link, report signals. */
    SERVICE,
    /** Flag writes, every rollout action, migration steps up to Validate. */
    OPERATOR,
    /** Target changes, Contract and migration Rollback. */
    ADMIN;

    public boolean includes(Role needed) {
        return compareTo(needed) >= 0;
    }

    /** The name used in tokens and configuration: lower case. */
    public String groupName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> ofGroup(String group) {
        for (Role role : values()) {
            if (role.groupName().equals(group)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }

    /** The highest role among {@code groups}; groups that name no role are ignored. */
    public static Optional<Role> highestOf(Collection<String> groups) {
        Role highest = null;
        for (String group : groups) {
            Role role = ofGroup(group).orElse(null);
            if (role != null && (highest == null || role.includes(highest))) {
                highest = role;
            }
        }
        return Optional.ofNullable(highest);
    }
}
