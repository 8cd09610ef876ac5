package io.integration.registry;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A range of semantic versions, as instances, requests and adapter requirements write them (npm's notation, the
 * subset people use): {@code *} (any), {@code 1.2.3} (exactly), {@code 1} / {@code 1.2} / {@code 1.x} (that
 * prefix), {@code ^1.2.3} (same major, at least 1.2.3), {@code ~1.2.3} (same major and minor, at least 1.2.3),
 * and {@code >=1.2.0 <2.0.0} (comparators, all must hold). Pre-releases match only an exact range.
 *
 * @param text the range as written
 */
public record VersionRange(String text, SemanticVersion min, boolean minInclusive, SemanticVersion max, SemanticVersion exact) {

    /** Any released version. */
    public static final VersionRange ANY = new VersionRange("*", null, true, null, null);

    private static final Pattern PARTIAL = Pattern.compile("^(\\d+)(?:\\.(\\d+|x|\\*))?(?:\\.(\\d+|x|\\*))?$");
    private static final Pattern COMPARATOR = Pattern.compile("^(>=|>|<=|<|=)\\s*(\\S+)$");

    /**
     * Parses {@code text}; null or blank means {@link #ANY}.
     *
     * @throws IllegalArgumentException naming the expected forms
     */
    public static VersionRange parse(String text) {
        if (text == null || text.isBlank() || text.trim().equals("*") || text.trim().equalsIgnoreCase("x")) {
            return ANY;
        }
        String t = text.trim();
        try {
            if (t.startsWith("^") || t.startsWith("~")) {
                String written = t.substring(1).trim();
                long parts = written.split("-", 2)[0].chars().filter(c -> c == '.').count() + 1;
                SemanticVersion base = SemanticVersion.parse(complete(written));
                return new VersionRange(t, base, true, t.startsWith("^") ? caretCeiling(base, parts) : tildeCeiling(base, parts), null);
            }
            if (t.contains("<") || t.contains(">") || t.startsWith("=")) {
                return comparators(t);
            }
            Matcher m = PARTIAL.matcher(t);
            if (m.matches() && (m.group(3) == null || !Character.isDigit(m.group(3).charAt(0)))) {
                int major = Integer.parseInt(m.group(1));
                if (m.group(2) == null || !Character.isDigit(m.group(2).charAt(0))) {
                    return new VersionRange(t, new SemanticVersion(major, 0, 0, null), true, new SemanticVersion(major + 1, 0, 0, null), null);
                }
                int minor = Integer.parseInt(m.group(2));
                return new VersionRange(t, new SemanticVersion(major, minor, 0, null), true, new SemanticVersion(major, minor + 1, 0, null), null);
            }
            return new VersionRange(t, null, true, null, SemanticVersion.parse(t.startsWith("=") ? complete(t.substring(1)) : t));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' (expected: a version range such as 1.2.3, ^1.2, ~1.2.0, 1.x, "
                    + ">=1.0.0 <2.0.0 or *)", e);
        }
    }

    /** The one version this range allows, when it names exactly one, in canonical form ({@code =1.2} → {@code 1.2.0}). */
    public Optional<String> exactVersion() {
        return exact == null ? Optional.empty() : Optional.of(exact.text());
    }

    /** Whether {@code version} (semver text) lies in this range; text that is not semver never does. */
    public boolean matches(String version) {
        SemanticVersion v;
        try {
            v = SemanticVersion.parse(version);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (exact != null) {
            return v.compareTo(exact) == 0;
        }
        if (v.preRelease() != null) {
            return false;
        }
        if (min != null && (minInclusive ? v.compareTo(min) < 0 : v.compareTo(min) <= 0)) {
            return false;
        }
        return max == null || v.compareTo(max) < 0;
    }

    @Override
    public String toString() {
        return text;
    }

    private static VersionRange comparators(String t) {
        SemanticVersion min = null;
        boolean minInclusive = true;
        SemanticVersion max = null;
        String[] parts = t.split("\\s+(?=[<>=])");
        for (String part : parts) {
            Matcher m = COMPARATOR.matcher(part.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("comparator '" + part + "'");
            }
            String written = m.group(2);
            long given = written.split("-", 2)[0].chars().filter(c -> c == '.').count() + 1;
            SemanticVersion v = SemanticVersion.parse(complete(written));
            // Every comparator must hold: each one narrows the bounds, never replaces a narrower one.
            switch (m.group(1)) {
                case ">=", ">" -> {
                    boolean inclusive = m.group(1).equals(">=");
                    int c = min == null ? 1 : v.compareTo(min);
                    if (c > 0 || (c == 0 && !inclusive)) {
                        min = v;
                        minInclusive = inclusive;
                    }
                }
                case "<", "<=" -> {
                    // <=1.2 means up to any 1.2.x: below 1.3.0; <=1.2.3 below 1.2.4.
                    SemanticVersion ceiling = m.group(1).equals("<") ? v : given == 1 ? new SemanticVersion(v.major() + 1, 0, 0, null)
                            : given == 2 ? new SemanticVersion(v.major(), v.minor() + 1, 0, null)
                            : new SemanticVersion(v.major(), v.minor(), v.patch() + 1, null);
                    if (max == null || ceiling.compareTo(max) < 0) {
                        max = ceiling;
                    }
                }
                default -> {
                    if (parts.length > 1) {
                        throw new IllegalArgumentException("'=' combined with other comparators");
                    }
                    return new VersionRange(t, null, true, null, v);
                }
            }
        }
        return new VersionRange(t, min, minInclusive, max, null);
    }

    /** npm's caret: the leftmost non-zero part of what was written stays fixed ({@code ^0.2.3} → below 0.3.0). */
    private static SemanticVersion caretCeiling(SemanticVersion base, long parts) {
        if (base.major() > 0 || parts == 1) {
            return new SemanticVersion(base.major() + 1, 0, 0, null);
        }
        if (base.minor() > 0 || parts == 2) {
            return new SemanticVersion(0, base.minor() + 1, 0, null);
        }
        return new SemanticVersion(0, 0, base.patch() + 1, null);
    }

    /** npm's tilde: patch changes when a minor is given ({@code ~1.2} → below 1.3.0), minor changes otherwise ({@code ~1}). */
    private static SemanticVersion tildeCeiling(SemanticVersion base, long parts) {
        return parts == 1 ? new SemanticVersion(base.major() + 1, 0, 0, null) : new SemanticVersion(base.major(), base.minor() + 1, 0, null);
    }

    /** {@code 1} → {@code 1.0.0}, {@code 1.2} → {@code 1.2.0}. */
    private static String complete(String partial) {
        String p = partial.trim();
        long dots = p.chars().filter(c -> c == '.').count();
        return dots == 0 ? p + ".0.0" : dots == 1 && !p.contains("-") ? p + ".0" : p;
    }
}
