package io.integration.worker.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OwnershipFenceTest {

    private static final TopicPartition PARTITION = new TopicPartition("t.requests", 0);

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final OwnershipFence fence = new OwnershipFence(Duration.ofMillis(50));
    private final Job job = new LoopKit().job(LoopKit.request(0, LoopKit.json("r", "")));

    @Test
    void afterAStallCallsWaitUntilACommitForTheCurrentGenerationIsAccepted() {
        consumer.assign(List.of(PARTITION));
        consumer.commitSync(Map.of(PARTITION, new OffsetAndMetadata(3)));
        fence.polled(consumer);
        assertThat(fence.forJob(job).confirmed()).isTrue();

        await().pollDelay(Duration.ofMillis(80)).until(() -> true); // the loop stalls past its lease
        fence.polled(consumer);
        assertThat(fence.forJob(job).confirmed()).as("fenced: the group may have moved on").isFalse();

        fence.polled(consumer);
        fence.polled(consumer);
        assertThat(fence.forJob(job).confirmed()).as("the re-commit was accepted: still the owner").isTrue();
    }

    @Test
    void aStallReportsTheCallsItMayHaveFrozenOnTheirWay() {
        io.integration.worker.execution.CallsInFlight calls = new io.integration.worker.execution.CallsInFlight();
        OwnershipFence counting = new OwnershipFence(Duration.ofMillis(50), calls);
        calls.start();
        calls.start();
        calls.end();
        counting.polled(consumer); // one call in flight at this poll
        calls.start();              // and one started after it, before the stall

        await().pollDelay(Duration.ofMillis(80)).until(() -> true);
        counting.polled(consumer);

        assertThat(counting.exposedAtLastStall()).isEqualTo(2);
    }

    @Test
    void aCompletedRebalanceLiftsTheFence() {
        fence.polled(consumer);
        await().pollDelay(Duration.ofMillis(80)).until(() -> true);
        fence.polled(consumer);

        fence.assigned();
        fence.polled(consumer);

        assertThat(fence.forJob(job).confirmed()).isTrue();
    }
}
