package io.integration.worker.messaging;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which topics a request may name as {@code replyTo}. A reply topic must be a legal Kafka topic name and match
 * one of the configured patterns ({@code *} matches any run of characters); whatever the patterns say, internal
 * topics ({@code __*}), the worker's own input and output topics and every {@code integration.*} topic other
 * than the results topic are refused, so a request can never write results where subscribers expect events or
 * where the worker reads its own input. Immutable, thread-safe.
 */
final class ReplyTopics {

    /** The default patterns besides the results topic: a documented prefix for per-requester reply topics. */
    static final String DEFAULT_PREFIX_PATTERN = "replies.*";

    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private final Topics topics;
    private final List<String> patterns;
    private final List<Pattern> compiled;

    /** {@code patterns}: allowed names, {@code *} as a wildcard; the results topic is always allowed. */
    ReplyTopics(Topics topics, List<String> patterns) {
        this.topics = requireNonNull(topics, "topics");
        this.patterns = List.copyOf(patterns);
        this.compiled = this.patterns.stream().map(ReplyTopics::glob).toList();
    }

    /** The default policy: the results topic and {@value #DEFAULT_PREFIX_PATTERN}. */
    static ReplyTopics defaults(Topics topics) {
        return new ReplyTopics(topics, List.of(topics.results(), DEFAULT_PREFIX_PATTERN));
    }

    /** Why {@code replyTo} is refused, or empty when results may go there (null or blank means the results topic). */
    Optional<String> refusal(String replyTo) {
        if (replyTo == null || replyTo.isBlank() || replyTo.equals(topics.results())) {
            return Optional.empty();
        }
        String shown = printable(replyTo);
        if (!LEGAL.matcher(replyTo).matches() || replyTo.equals(".") || replyTo.equals("..")) {
            return Optional.of("replyTo: '" + shown + "' is not a valid topic name (expected: 1 to 249 of [a-zA-Z0-9._-])");
        }
        if (replyTo.startsWith("__") || replyTo.startsWith("integration.") || ownTopic(replyTo)) {
            return Optional.of("replyTo: '" + shown + "' is an internal or worker topic (expected: '" + topics.results()
                    + "' or a topic matching " + patterns + ")");
        }
        if (compiled.stream().noneMatch(p -> p.matcher(replyTo).matches())) {
            return Optional.of("replyTo: '" + shown + "' is not an allowed reply topic (expected: a topic matching " + patterns
                    + ", setting worker.reply.topics)");
        }
        return Optional.empty();
    }

    private boolean ownTopic(String name) {
        return name.equals(topics.requests()) || name.equals(topics.events()) || name.equals(topics.deadLetter())
                || name.equals(topics.retry());
    }

    private static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (String part : pattern.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }

    /** The name as it may appear in a message: control characters shown as {@code ?}, at most 100 characters. */
    private static String printable(String text) {
        String cut = text.length() > 100 ? text.substring(0, 100) + "..." : text;
        return cut.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }
}
