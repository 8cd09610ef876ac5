package io.integration.registry.policy;

/** Whole numbers as definitions write them, checked before narrowing (4294967297 must not become 1). */
final class Numbers {

    private Numbers() {
    }

    /** {@code value} as an int, or an exception naming {@code name} when it is not a whole number in int range. */
    static int toInt(String name, Number value) {
        double d = value.doubleValue();
        if (d != Math.rint(d) || d < Integer.MIN_VALUE || d > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: a whole number up to " + Integer.MAX_VALUE + ")");
        }
        return value.intValue();
    }
}
