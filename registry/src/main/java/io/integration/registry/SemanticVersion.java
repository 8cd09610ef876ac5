package io.integration.registry;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A semver {@code major.minor.patch[-pre]}, ordered by precedence (pre-releases before their release). */
public record SemanticVersion(int major, int minor, int patch, String preRelease) implements Comparable<SemanticVersion> {

    private static final Pattern FORM = Pattern.compile("^(\\d+)\\.(\\d+)\\.(\\d+)(?:-([0-9A-Za-z.-]+))?$");

    public static SemanticVersion parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("version: '" + text + "' (expected: semver major.minor.patch)");
        }
        return new SemanticVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), m.group(4));
    }

    /** {@code major.minor.patch[-pre]}. */
    public String text() {
        return major + "." + minor + "." + patch + (preRelease == null ? "" : "-" + preRelease);
    }

    @Override
    public int compareTo(SemanticVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        if (c == 0) {
            c = Integer.compare(patch, o.patch);
        }
        if (c == 0 && !java.util.Objects.equals(preRelease, o.preRelease)) {
            c = preRelease == null ? 1 : o.preRelease == null ? -1 : preRelease.compareTo(o.preRelease);
        }
        return c;
    }
}
