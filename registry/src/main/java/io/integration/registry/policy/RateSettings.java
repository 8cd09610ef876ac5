package io.integration.registry.policy;

import io.integration.registry.text.DurationText;
import java.time.Duration;
import java.util.Map;

/**
 * An instance's call budget from {@code defaults.rateLimit}: at most {@code limit} calls per {@code per};
 * {@link #UNLIMITED} when the definition sets none.
 */
public record RateSettings(int limit, Duration per) {

    public static final RateSettings UNLIMITED = new RateSettings(Integer.MAX_VALUE, Duration.ofSeconds(1));

    public RateSettings {
        if (limit < 1) {
            throw new IllegalArgumentException("rateLimit.limit: " + limit + " (expected: >= 1)");
        }
        if (per.isNegative() || per.isZero()) {
            throw new IllegalArgumentException("rateLimit.per: " + DurationText.format(per) + " (expected: > 0)");
        }
    }

    public static RateSettings from(Map<String, Object> map) {
        if (!(map.get("limit") instanceof Number limit)) {
            return UNLIMITED;
        }
        Object per = map.get("per");
        return new RateSettings(Numbers.toInt("rateLimit.limit", limit), per == null ? Duration.ofSeconds(1) : DurationText.parse("rateLimit.per", per.toString()));
    }

    public boolean unlimited() {
        return limit == Integer.MAX_VALUE;
    }
}
