package io.integration.worker.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

    @Test
    void aDeadLetterKeepsTheOriginalBytesAndHeadersAndSaysWhereAndWhy() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", new byte[] {1, 2, 3});
        ConsumerRecord<byte[], byte[]> original = new ConsumerRecord<>("in", 2, 41, 1_700_000_000_000L, TimestampType.CREATE_TIME, 1, 3,
                new byte[] {9}, new byte[] {(byte) 0xff, 0, 1}, headers, java.util.Optional.empty());

        ProducerRecord<byte[], byte[]> letter = DeadLetters.of("dlt", original, DeadLetters.Stage.VALIDATION,
                new PoisonRecordException(DeadLetters.Stage.VALIDATION, "m".repeat(5000), null));

        assertThat(letter.topic()).isEqualTo("dlt");
        assertThat(letter.key()).containsExactly(9);
        assertThat(letter.value()).containsExactly(0xff, 0, 1);
        assertThat(letter.timestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(letter.headers().lastHeader("traceparent").value()).containsExactly(1, 2, 3);
        assertThat(text(letter, "integration.error.topic")).isEqualTo("in");
        assertThat(text(letter, "integration.error.partition")).isEqualTo("2");
        assertThat(text(letter, "integration.error.offset")).isEqualTo("41");
        assertThat(text(letter, "integration.error.stage")).isEqualTo("VALIDATION");
        assertThat(text(letter, "integration.error.exception.message")).as("bounded").hasSize(1003);
    }

    @Test
    void aRecordWithoutTimestampStillMakesADeadLetter() {
        ConsumerRecord<byte[], byte[]> original = new ConsumerRecord<>("in", 0, 0, null, new byte[] {1});

        ProducerRecord<byte[], byte[]> letter = DeadLetters.of("dlt", original, DeadLetters.Stage.DESERIALIZATION, new IllegalStateException());

        assertThat(letter.timestamp()).isNull();
        assertThat(text(letter, "integration.error.exception.message")).isEqualTo("null");
    }

    @Test
    void aDeferralCarriesItsNotBeforeAndAttemptsAndReplacesThoseOfAnEarlierOne() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Deferrals.NOT_BEFORE, "1".getBytes(StandardCharsets.UTF_8));
        headers.add(Deferrals.ATTEMPTS, "1".getBytes(StandardCharsets.UTF_8));
        headers.add("keep", "me".getBytes(StandardCharsets.UTF_8));
        ConsumerRecord<byte[], byte[]> original = new ConsumerRecord<>("retry", 0, 5, 0L, TimestampType.CREATE_TIME, 1, 1,
                new byte[] {7}, new byte[] {8}, headers, java.util.Optional.empty());

        ProducerRecord<byte[], byte[]> deferred = Deferrals.deferred("retry", original, Instant.ofEpochMilli(5_000), 3);
        ConsumerRecord<byte[], byte[]> readBack = new ConsumerRecord<>("retry", 0, 6, 0L, TimestampType.CREATE_TIME, 1, 1,
                deferred.key(), deferred.value(), deferred.headers(), java.util.Optional.empty());

        assertThat(Deferrals.deferral(readBack)).isEqualTo(new Deferrals.Deferral(Instant.ofEpochMilli(5_000), 3));
        assertThat(deferred.headers().headers(Deferrals.NOT_BEFORE)).hasSize(1);
        assertThat(deferred.headers().lastHeader("keep")).isNotNull();
    }

    @Test
    void anUnreadableDeferralHeaderMeansRunNow() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Deferrals.NOT_BEFORE, "soon".getBytes(StandardCharsets.UTF_8));
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("retry", 0, 0, 0L, TimestampType.CREATE_TIME, 1, 1, null, new byte[] {1},
                headers, java.util.Optional.empty());

        assertThat(Deferrals.deferral(record)).isNull();
    }

    private static String text(ProducerRecord<byte[], byte[]> record, String header) {
        return new String(record.headers().lastHeader(header).value(), StandardCharsets.UTF_8);
    }
}
