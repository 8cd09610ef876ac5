package io.integration.bench.arms;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;

/**
 * The pathological loop (kept as a footnote of the benchmark): one record at a time — call, publish result and event waiting for each
 * acknowledgement, commit. Safe and slow: its throughput is one over the call's latency.
 */
public final class NaivePerRecordLoop {

    private NaivePerRecordLoop() {
    }

    public static void main(String[] argv) throws Exception {
        BaselineArgs args = BaselineArgs.parse(argv);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (KafkaConsumer<byte[], byte[]> consumer = args.consumer(); KafkaProducer<byte[], byte[]> producer = args.unbatchedProducer()) {
            while (true) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    BaselineArgs.Call call = args.call(record.value());
                    HttpResponse<String> response = NaiveLoop.callUntilSuccess(http, call);
                    producer.send(args.result(call.requestId(), response.body())).get();
                    producer.send(args.event(call.requestId())).get();
                    consumer.commitSync(Map.of(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1)));
                }
            }
        }
    }
}
