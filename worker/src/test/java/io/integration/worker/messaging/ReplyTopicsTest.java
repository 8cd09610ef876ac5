package io.integration.worker.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReplyTopicsTest {

    private final Topics topics = Topics.prefixed("integration");
    private final ReplyTopics defaults = ReplyTopics.defaults(topics);

    @Test
    void theResultsTopicAndTheDocumentedPrefixAreAllowedByDefault() {
        assertThat(defaults.refusal(null)).isEmpty();
        assertThat(defaults.refusal("")).isEmpty();
        assertThat(defaults.refusal("integration.results")).isEmpty();
        assertThat(defaults.refusal("replies.billing")).isEmpty();
        assertThat(defaults.refusal("billing.replies")).hasValueSatisfying(r -> assertThat(r)
                .isEqualTo("replyTo: 'billing.replies' is not an allowed reply topic (expected: a topic matching "
                        + "[integration.results, replies.*], setting worker.reply.topics)"));
    }

    @Test
    void internalAndWorkerTopicsAreRefusedWhateverThePatternsSay() {
        ReplyTopics anything = new ReplyTopics(topics, List.of("*"));
        assertThat(anything.refusal("team.answers")).isEmpty();
        for (String forbidden : List.of("integration.events", "integration.requests", "integration.requests-dlt",
                "integration.requests.retry", "integration.health", "__consumer_offsets", "__transaction_state")) {
            assertThat(anything.refusal(forbidden)).as(forbidden).hasValueSatisfying(r -> assertThat(r).contains("internal or worker topic"));
        }
    }

    @Test
    void namesThatAreNoTopicAreRefusedWithoutEchoingControlCharacters() {
        assertThat(defaults.refusal("not a topic!")).hasValueSatisfying(r -> assertThat(r)
                .isEqualTo("replyTo: 'not a topic!' is not a valid topic name (expected: 1 to 249 of [a-zA-Z0-9._-])"));
        assertThat(defaults.refusal("replies.x\r\nInjected")).hasValueSatisfying(r -> assertThat(r).contains("replies.x??Injected"));
        assertThat(defaults.refusal("replies." + "x".repeat(245))).isPresent();
        assertThat(defaults.refusal("..")).isPresent();
    }
}
