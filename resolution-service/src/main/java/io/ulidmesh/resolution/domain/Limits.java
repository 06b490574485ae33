package io.ulidmesh.resolution.domain;

import com.github.f4b6a3.ulid.Ulid;
import io.ulidmesh.common.actor.AuditText;
import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.common.ulid.Ulids;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** The registry's input rules (docs/architecture.md and docs/resolution-service.md), each failure an INVALID_ARGUMENT. */
public final class Limits {
    public static final int MAX_GENERATE = 10_000;
    public static final int MAX_BATCH_RESOLVE = 10_000;
    public static final int MAX_METADATA_ENTRIES = 64;
    public static final int MAX_METADATA_KEY_CHARS = 128;
    public static final int MAX_METADATA_VALUE_BYTES = 4096;
    public static final int MAX_REFERENCE_TYPE_CHARS = 128;
    public static final int MAX_REFERENCE_CHARS = 1024;
    public static final int MAX_RELATED = 1000;
    public static final int MAX_TRACE_DEPTH = 10;
    public static final int DEFAULT_TRACE_DEPTH = 3;
    /** A trace reaching more references than this is refused rather than answered partially. */
    public static final int MAX_TRACE_REFERENCES = 10_000;
    public static final String DEFAULT_RELATION = "related";

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,62}");

    private Limits() {
    }

    /** Validates {@code command}; an empty ULID is replaced by {@code generator}'s next one. */
    public static Registration validate(RegisterCommand command, Supplier<Ulid> generator) {
        Ulid ulid = command.ulid() == null || command.ulid().isEmpty()
                ? generator.get() : Ulids.parse("ulid", command.ulid());
        String system = name("system", command.system());
        String type = required("reference_type", command.referenceType(), MAX_REFERENCE_TYPE_CHARS);
        String reference = required("reference", command.reference(), MAX_REFERENCE_CHARS);
        Map<String, String> metadata = metadata(command.metadata());
        List<String> relatedText = command.relatedUlids();
        if (relatedText.size() > MAX_RELATED) {
            throw DomainException.invalid("related_ulids has " + relatedText.size() + " entries; at most "
                    + MAX_RELATED + " are allowed");
        }
        List<Ulid> related = new ArrayList<>(relatedText.size());
        for (int i = 0; i < relatedText.size(); i++) {
            Ulid r = Ulids.parse("related_ulids[" + i + "]", relatedText.get(i));
            if (r.equals(ulid)) {
                throw DomainException.invalid("related_ulids[" + i + "]: " + r + " is the ULID being registered; "
                        + "a ULID cannot relate to itself");
            }
            related.add(r);
        }
        return new Registration(ulid, system, type, reference, metadata, List.copyOf(related), command.actor());
    }

    /** A system or relation name: {@code [a-z][a-z0-9_-]{0,62}}. */
    public static String name(String field, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw DomainException.invalid(field + " '" + abbreviate(value) + "' must match [a-z][a-z0-9_-]{0,62}");
        }
        return value;
    }

    public static int generateCount(int count) {
        if (count < 1 || count > MAX_GENERATE) {
            throw DomainException.invalid("count " + count + " is out of range; Generate makes 1.." + MAX_GENERATE);
        }
        return count;
    }

    /** The ULIDs of one BatchResolve, at most {@value #MAX_BATCH_RESOLVE}, each named by its index when malformed. */
    public static List<Ulid> batchResolve(List<String> texts) {
        if (texts.size() > MAX_BATCH_RESOLVE) {
            throw DomainException.invalid("ulids has " + texts.size() + " entries; at most "
                    + MAX_BATCH_RESOLVE + " are allowed");
        }
        List<Ulid> ulids = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            ulids.add(Ulids.parse("ulids[" + i + "]", texts.get(i)));
        }
        return ulids;
    }

    /** Export's limit: 0 for none. */
    public static long exportLimit(long limit) {
        if (limit < 0) {
            throw DomainException.invalid("limit " + limit + " is negative; use 0 for no limit");
        }
        return limit;
    }

    public static int traceDepth(int maxDepth) {
        if (maxDepth == 0) {
            return DEFAULT_TRACE_DEPTH;
        }
        if (maxDepth < 0 || maxDepth > MAX_TRACE_DEPTH) {
            throw DomainException.invalid("max_depth " + maxDepth + " is out of range; use 1.." + MAX_TRACE_DEPTH
                    + " or 0 for the default " + DEFAULT_TRACE_DEPTH);
        }
        return maxDepth;
    }

    private static String required(String field, String value, int maxChars) {
        if (value == null || value.isBlank()) {
            throw DomainException.invalid(field + " is required");
        }
        if (value.length() > maxChars) {
            throw DomainException.invalid(field + " '" + abbreviate(value) + "' is " + value.length()
                    + " characters long; at most " + maxChars + " are allowed");
        }
        return withoutNul(field, value);
    }

    private static Map<String, String> metadata(Map<String, String> metadata) {
        if (metadata.size() > MAX_METADATA_ENTRIES) {
            throw DomainException.invalid("metadata has " + metadata.size() + " entries; at most "
                    + MAX_METADATA_ENTRIES + " are allowed");
        }
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            String key = e.getKey();
            if (key.isEmpty() || key.length() > MAX_METADATA_KEY_CHARS) {
                throw DomainException.invalid("metadata key '" + abbreviate(key) + "' is " + key.length()
                        + " characters long; keys have 1.." + MAX_METADATA_KEY_CHARS);
            }
            withoutNul("metadata key '" + abbreviate(key) + "'", key);
            withoutNul("metadata value of '" + abbreviate(key) + "'", e.getValue());
            int bytes = e.getValue().getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_METADATA_VALUE_BYTES) {
                throw DomainException.invalid("metadata value of '" + abbreviate(key) + "' is " + bytes + " bytes; at most "
                        + MAX_METADATA_VALUE_BYTES + " (4 KiB) are allowed");
            }
        }
        return metadata;
    }

    /** PostgreSQL text cannot hold U+0000; refusing it here names the field instead of failing the whole chunk. */
    private static String withoutNul(String field, String value) {
        int at = value.indexOf('\u0000');
        if (at >= 0) {
            throw DomainException.invalid(field + " has a NUL character (U+0000) at position " + at
                    + ", which cannot be stored");
        }
        return value;
    }

    /** A value as quoted in a message: at most 40 characters, control characters escaped. */
    private static String abbreviate(String text) {
        if (text == null) {
            return "";
        }
        return AuditText.escape(text.length() <= 40 ? text : text.substring(0, 37) + "...");
    }
}
