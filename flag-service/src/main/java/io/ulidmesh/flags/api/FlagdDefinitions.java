package io.ulidmesh.flags.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ulidmesh.flags.client.CohortHash;
import io.ulidmesh.flags.domain.FlagState;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Our flags as flagd flag-definition JSON (flagd-schemas json/flags.json), which flagd's in-process
 * providers evaluate locally. Each flag is boolean with variants "on" and "off"; off or on for
 * everyone is its default variant; a percentage is {@code fractional} bucketed on
 * {@code cat(cohort, ":", targetingKey)} (the cohort hash's key) with weights basis points and
 * 10000 minus them, "on" first, so that raising a percentage only adds entities. Where flagd's
 * arithmetic picks other entities than the cohort hash: docs/openfeature.md, "fractional".
 */
public final class FlagdDefinitions {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FlagdDefinitions() {
    }

    /** One document with every flag of {@code flags}. */
    public static String document(List<FlagState> flags) {
        Map<String, Object> definitions = new LinkedHashMap<>();
        for (FlagState flag : flags) {
            definitions.put(flag.name(), flag(flag));
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("flags", definitions);
        document.put("metadata", Map.of("flagSetId", "ulidmesh"));
        try {
            return JSON.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Object> flag(FlagState flag) {
        int bp = flag.basisPoints();
        Map<String, Object> definition = new LinkedHashMap<>();
        definition.put("state", "ENABLED");
        Map<String, Object> variants = new LinkedHashMap<>();
        variants.put(OpenFeatureResults.ON, true);
        variants.put(OpenFeatureResults.OFF, false);
        definition.put("variants", variants);
        definition.put("defaultVariant", bp >= CohortHash.ALL ? OpenFeatureResults.ON : OpenFeatureResults.OFF);
        if (bp > 0 && bp < CohortHash.ALL) {
            Map<String, Object> bucketBy = Map.of("cat", List.of(flag.cohort(), ":",
                    Map.of("var", List.of("targetingKey", ""))));
            definition.put("targeting", Map.of("fractional", List.of(bucketBy,
                    List.of(OpenFeatureResults.ON, bp), List.of(OpenFeatureResults.OFF, CohortHash.ALL - bp))));
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("version", flag.version());
        metadata.put("basisPoints", bp);
        metadata.put("cohort", flag.cohort());
        definition.put("metadata", metadata);
        return definition;
    }
}
