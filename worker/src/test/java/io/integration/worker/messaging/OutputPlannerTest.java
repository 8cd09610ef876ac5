package io.integration.worker.messaging;

import static io.integration.worker.messaging.LoopKit.TOPICS;
import static io.integration.worker.messaging.LoopKit.json;
import static io.integration.worker.messaging.LoopKit.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.integration.worker.execution.ErrorCode;
import io.integration.worker.execution.Outcome;
import io.integration.worker.execution.Ownership;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class OutputPlannerTest {

    private final LoopKit kit = new LoopKit();

    private OutputPlanner.Plan.Publish plan(String json) {
        return (OutputPlanner.Plan.Publish) kit.planner.plan(kit.job(request(0, json)), Ownership.ASSUMED);
    }

    @Test
    void anAnswerIsItsResultOnTheReplyTopicAndItsEvent() {
        OutputPlanner.Plan.Publish publish = plan(json("r1", ",\"replyTo\":\"replies.team\""));

        assertThat(publish.records()).extracting(ProducerRecord::topic).containsExactly("replies.team", TOPICS.events());
        assertThat(publish.answer().resultTopic()).isEqualTo("replies.team");
    }

    @Test
    void anInvalidRequestWithARefusedReplyToIsAnsweredOnTheResultsTopicNamingBothProblems() {
        OutputPlanner.Plan.Publish publish = plan("{\"requestId\":\"r2\",\"replyTo\":\"__consumer_offsets\",\"methodName\":\"m\"}");

        assertThat(publish.records().get(0).topic()).isEqualTo(TOPICS.results());
        assertThat(text(publish.records().get(0))).contains("VALIDATION_ERROR", "integrationInstanceId: missing", "__consumer_offsets");
        assertThat(kit.instanceLookups).hasValue(0);
    }

    @Test
    void aRecordedSubstituteIsAnsweredOnTheResultsTopicWhateverTheReplyToAndIdenticallyEachTime() {
        OutputPlanner.Plan.Publish first = plan(json("r3", ",\"replyTo\":\"replies.team\""));
        kit.planner.recordSubstitute(first.answer().result(), new Outcome.Failure(ErrorCode.REPLY_TO_NOT_ALLOWED, "gone", false, null, null));

        OutputPlanner.Plan.Publish one = plan(json("r3", ",\"replyTo\":\"replies.team\""));
        OutputPlanner.Plan.Publish two = plan(json("r3", ",\"replyTo\":\"replies.team\""));

        assertThat(one.records()).extracting(ProducerRecord::topic).containsExactly(TOPICS.results(), TOPICS.events());
        assertThat(text(one.records().get(0))).contains("\"code\":\"REPLY_TO_NOT_ALLOWED\"", "\"requestId\":\"r3\"");
        assertThat(one.records().get(0).value()).isEqualTo(two.records().get(0).value());
        assertThat(one.records().get(1).value()).isEqualTo(two.records().get(1).value());
    }

    @Test
    void poisonBecomesItsDeadLetter() {
        OutputPlanner.Plan.Publish publish = plan("{\"no\":\"requestId\"}");

        assertThat(publish.answer()).isNull();
        assertThat(publish.records()).singleElement().satisfies(r -> assertThat(r.topic()).isEqualTo(TOPICS.deadLetter()));
    }

    private static String text(ProducerRecord<byte[], byte[]> record) {
        return new String(record.value(), StandardCharsets.UTF_8);
    }
}
