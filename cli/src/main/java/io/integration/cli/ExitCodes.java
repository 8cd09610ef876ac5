package io.integration.cli;

/** What the CLI's exit status means, so that scripts can branch on it. */
final class ExitCodes {

    /** Done (for {@code request send}: the result is SUCCESS). */
    static final int OK = 0;
    /** The API refused: invalid input (400), not found (404), conflict (409), too large (413). */
    static final int REFUSED = 1;
    /** Bad command line (picocli's own). */
    static final int USAGE = 2;
    /** No valid token (401) or too small a scope (403). */
    static final int DENIED = 3;
    /** The API or Kafka cannot be reached, or failed (5xx). */
    static final int UNAVAILABLE = 4;
    /** {@code request send}: the result is ERROR. */
    static final int RESULT_ERROR = 5;
    /** {@code request send}: no result within the wait. */
    static final int NO_RESULT = 6;

    private ExitCodes() {
    }
}
