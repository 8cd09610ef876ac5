package io.integration.worker.messaging;

import static java.util.Objects.requireNonNull;

/** The topics the worker reads and writes (each configurable: {@code topic.*}). */
public record Topics(String requests, String results, String events, String deadLetter, String retry) {

    public Topics {
        requireNonNull(requests, "topic.requests");
        requireNonNull(results, "topic.results");
        requireNonNull(events, "topic.events");
        requireNonNull(deadLetter, "topic.dlt");
        requireNonNull(retry, "topic.retry");
    }

    /** Topics named after {@code prefix} ({@code prefix.requests} …), for tests that each own their topics. */
    public static Topics prefixed(String prefix) {
        return new Topics(prefix + ".requests", prefix + ".results", prefix + ".events", prefix + ".requests-dlt",
                prefix + ".requests.retry");
    }
}
