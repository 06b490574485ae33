package io.ulidmesh.migration.domain.target;

import io.ulidmesh.common.error.DomainException;
import java.util.regex.Pattern;

/** The shape of a target's name. */
public final class TargetName {
    public static final Pattern PATTERN = Pattern.compile("[a-z][a-z0-9_-]{0,62}");

    private TargetName() {
    }

    public static String check(String name) {
        if (name == null || !PATTERN.matcher(name).matches()) {
            throw DomainException.invalid("target name '" + name + "' must match " + PATTERN.pattern());
        }
        return name;
    }
}
