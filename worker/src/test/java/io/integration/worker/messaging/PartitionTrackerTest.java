package io.integration.worker.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PartitionTrackerTest {

    @Test
    void theCommittableOffsetNeverPassesTheLowestUnfinishedRecord() {
        PartitionTracker tracker = new PartitionTracker();
        for (long offset = 10; offset < 15; offset++) {
            tracker.add(offset);
        }

        tracker.complete(11);
        tracker.complete(12);
        assertThat(tracker.committable(false)).isEqualTo(-1);
        assertThat(tracker.inFlight()).isEqualTo(5);

        tracker.complete(10);
        assertThat(tracker.committable(false)).isEqualTo(13);
        assertThat(tracker.inFlight()).isEqualTo(2);

        tracker.commitSent(13);
        tracker.commitConfirmed(13);
        assertThat(tracker.committable(false)).isEqualTo(-1);

        tracker.complete(14);
        tracker.complete(13);
        assertThat(tracker.committable(false)).isEqualTo(15);
        assertThat(tracker.inFlight()).isZero();
    }

    @Test
    void aCommitCountsOnlyWhenTheBrokerConfirmsItAndAFailedOneIsSentAgain() {
        PartitionTracker tracker = new PartitionTracker();
        tracker.add(0);
        tracker.add(1);
        tracker.complete(0);
        tracker.complete(1);

        tracker.commitSent(2);
        assertThat(tracker.committable(false)).as("on its way: not sent twice").isEqualTo(-1);
        assertThat(tracker.committable(true)).as("a final synchronous commit sends it anyway").isEqualTo(2);

        tracker.commitFailed(2);
        assertThat(tracker.confirmed()).isEqualTo(-1);
        assertThat(tracker.committable(false)).as("failed: sent again").isEqualTo(2);

        tracker.commitSent(2);
        tracker.commitConfirmed(2);
        assertThat(tracker.confirmed()).isEqualTo(2);
        assertThat(tracker.committable(true)).isEqualTo(-1);
    }

    @Test
    void orderingChainsStartTheNextJobOnlyWhenTheHeadFinished() {
        OrderingChains chains = new OrderingChains();
        Job a1 = job("a", 1);
        Job a2 = job("a", 2);
        Job b1 = job("b", 3);

        assertThat(chains.enqueue(a1)).isTrue();
        assertThat(chains.enqueue(a2)).isFalse();
        assertThat(chains.enqueue(b1)).isTrue();
        assertThat(chains.next(a1)).isSameAs(a2);
        assertThat(chains.next(a2)).isNull();
        assertThat(chains.enqueue(job("a", 4))).isTrue();
    }

    private static Job job(String orderingKey, long offset) {
        var request = new io.integration.worker.execution.ExecutionRequest("r" + offset, null, "i", "m", "{}", null, orderingKey,
                null, null, null, null);
        var record = new org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>("t", 0, offset, null, null);
        return Job.of(record, new PartitionTracker(), new DecodedRequest.Valid(request, WireFormat.JSON), null);
    }
}
