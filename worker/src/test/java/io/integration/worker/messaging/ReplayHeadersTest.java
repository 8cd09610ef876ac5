package io.integration.worker.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.integration.worker.execution.ExecutionRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class ReplayHeadersTest {

    @Test
    void aReplayedDeadLetterKeepsItsOwnHeadersAndCarriesOnlyThisReplaysMarks() {
        RecordHeaders original = new RecordHeaders();
        original.add("traceparent", "00-abc-def-01".getBytes(StandardCharsets.UTF_8));
        original.add(DeadLetters.PREFIX + "stage", "OUTPUT".getBytes(StandardCharsets.UTF_8));
        original.add(Deferrals.NOT_BEFORE, "1".getBytes(StandardCharsets.UTF_8));
        original.add(ReplayHeaders.ID, "rp-old".getBytes(StandardCharsets.UTF_8));
        ConsumerRecord<byte[], byte[]> letter = new ConsumerRecord<>("integration.requests-dlt", 2, 41L, 0L, TimestampType.CREATE_TIME, 1, 1,
                new byte[] {1}, new byte[] {2}, original, java.util.Optional.empty());

        Headers marked = ReplayHeaders.of(letter, new ExecutionRequest.Replay("rp-new", true));

        assertThat(StreamSupport.stream(marked.spliterator(), false).map(Header::key)).containsExactly("traceparent", ReplayHeaders.ID,
                ReplayHeaders.FORCE, ReplayHeaders.TOPIC, ReplayHeaders.PARTITION, ReplayHeaders.OFFSET);
        assertThat(ReplayHeaders.read(marked)).isEqualTo(new ExecutionRequest.Replay("rp-new", true));
        assertThat(List.of(text(marked, ReplayHeaders.TOPIC), text(marked, ReplayHeaders.PARTITION), text(marked, ReplayHeaders.OFFSET)))
                .containsExactly("integration.requests-dlt", "2", "41");
    }

    @Test
    void aRecordWithoutAReplayIdIsNoReplayAndAnythingButTrueIsNotForced() {
        assertThat(ReplayHeaders.read(new RecordHeaders())).isNull();
        RecordHeaders empty = new RecordHeaders();
        empty.add(ReplayHeaders.ID, new byte[0]);
        assertThat(ReplayHeaders.read(empty)).isNull();
        RecordHeaders odd = new RecordHeaders();
        odd.add(ReplayHeaders.ID, "rp-1".getBytes(StandardCharsets.UTF_8));
        odd.add(ReplayHeaders.FORCE, "yes".getBytes(StandardCharsets.UTF_8));
        assertThat(ReplayHeaders.read(odd)).isEqualTo(new ExecutionRequest.Replay("rp-1", false));
    }

    private static String text(Headers headers, String key) {
        return new String(headers.lastHeader(key).value(), StandardCharsets.UTF_8);
    }
}
