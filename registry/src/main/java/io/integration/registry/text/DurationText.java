package io.integration.registry.text;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as written in definitions and config: {@code 250ms}, {@code 10s}, {@code 5m}, {@code 1h}, or ISO-8601.
 * A leaf of JDK types only, so that {@code registry}, {@code resilience} and {@code config} all read durations
 * the same way without depending on one another.
 */
public final class DurationText {

    private static final Pattern SHORT = Pattern.compile("^(\\d+)\\s*(ms|s|m|h|d)$");

    private DurationText() {
    }

    /**
     * Parses {@code text}; {@code field} names the setting in the error message.
     *
     * @throws IllegalArgumentException naming the field and the expected form
     */
    public static Duration parse(String field, String text) {
        String t = text == null ? "" : text.trim();
        Matcher m = SHORT.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(t);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(field + ": '" + text + "' (expected: a duration such as 250ms, 10s, 5m, 1h)");
        }
    }

    /** The shortest exact text for {@code d}, e.g. {@code 10s}, {@code 1500ms}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
