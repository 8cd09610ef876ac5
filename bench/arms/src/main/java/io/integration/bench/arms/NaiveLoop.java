package io.integration.bench.arms;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The loop a team writes first, and the baseline users compare against: poll, call each record's API in turn, publish
 * its result and event asynchronously, then flush the producer and commit once per poll. At-least-once and ordered;
 * its throughput is one call at a time.
 */
public final class NaiveLoop {

    private NaiveLoop() {
    }

    /** Calls until the API answers success (a failed call is tried again after {@link BaselineArgs#RETRY_DELAY}). */
    static HttpResponse<String> callUntilSuccess(HttpClient http, BaselineArgs.Call call) throws InterruptedException {
        while (true) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(call.url())).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (BaselineArgs.succeeded(response.statusCode())) {
                    return response;
                }
            } catch (IOException e) {
                // connection refused during an outage: try again
            }
            Thread.sleep(BaselineArgs.RETRY_DELAY);
        }
    }

    public static void main(String[] argv) throws Exception {
        BaselineArgs args = BaselineArgs.parse(argv);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (KafkaConsumer<byte[], byte[]> consumer = args.consumer(); KafkaProducer<byte[], byte[]> producer = args.producer()) {
            while (true) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    BaselineArgs.Call call = args.call(record.value());
                    HttpResponse<String> response = callUntilSuccess(http, call);
                    producer.send(args.result(call.requestId(), response.body()));
                    producer.send(args.event(call.requestId()));
                }
                if (!records.isEmpty()) {
                    producer.flush();
                    consumer.commitSync();
                }
            }
        }
    }
}
