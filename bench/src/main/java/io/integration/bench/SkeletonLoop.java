package io.integration.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The efficiency ceiling: consume → asynchronous call → two produces, up to 1000 calls at once, offsets
 * committed as polled. No ordering, no result log, no validation, no safety: nothing this worker would
 * ship, only the least work the same job can take.
 */
public final class SkeletonLoop {

    private SkeletonLoop() {
    }

    public static void main(String[] argv) throws Exception {
        BaselineArgs args = BaselineArgs.parse(argv);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Semaphore inFlight = new Semaphore(1000);
        try (KafkaConsumer<byte[], byte[]> consumer = args.consumer(); KafkaProducer<byte[], byte[]> producer = args.producer()) {
            while (true) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    BaselineArgs.Call call = args.call(record.value());
                    inFlight.acquire();
                    http.sendAsync(HttpRequest.newBuilder(URI.create(call.url())).timeout(Duration.ofSeconds(10)).build(),
                            HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
                                inFlight.release();
                                if (response != null) {
                                    producer.send(args.result(call.requestId(), response.body()));
                                    producer.send(args.event(call.requestId()));
                                }
                            });
                }
                consumer.commitAsync();
            }
        }
    }
}
