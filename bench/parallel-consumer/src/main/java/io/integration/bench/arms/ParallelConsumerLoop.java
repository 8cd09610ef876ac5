package io.integration.bench.arms;

import io.confluent.parallelconsumer.ParallelConsumerOptions;
import io.confluent.parallelconsumer.ParallelConsumerOptions.CommitMode;
import io.confluent.parallelconsumer.ParallelConsumerOptions.ProcessingOrder;
import io.confluent.parallelconsumer.ParallelStreamProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * Confluent Parallel Consumer in KEY order, as its documentation sets it up for calling an external system:
 * the call blocks one of {@code maxConcurrency} (1000) threads; PC tracks per-record completion and commits
 * asynchronously; a failed call throws and PC retries the record after its retry delay.
 */
public final class ParallelConsumerLoop {

    private ParallelConsumerLoop() {
    }

    public static void main(String[] argv) {
        BaselineArgs args = BaselineArgs.parse(argv);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ParallelConsumerOptions<byte[], byte[]> options = ParallelConsumerOptions.<byte[], byte[]>builder()
                .ordering(ProcessingOrder.KEY)
                .maxConcurrency(1000)
                .commitMode(CommitMode.PERIODIC_CONSUMER_ASYNCHRONOUS)
                .defaultMessageRetryDelay(BaselineArgs.RETRY_DELAY)
                .consumer(args.unsubscribedConsumer())
                .producer(args.producer())
                .build();
        ParallelStreamProcessor<byte[], byte[]> processor = ParallelStreamProcessor.createEosStreamProcessor(options);
        processor.subscribe(List.of(args.requests()), args.readyListener());
        processor.pollAndProduceMany(context -> {
            BaselineArgs.Call call = args.call(context.getSingleConsumerRecord().value());
            HttpResponse<String> response;
            try {
                response = http.send(HttpRequest.newBuilder(URI.create(call.url())).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new IllegalStateException("call failed: " + e, e);
            }
            if (!BaselineArgs.succeeded(response.statusCode())) {
                throw new IllegalStateException("call answered " + response.statusCode());
            }
            return List.of(args.result(call.requestId(), response.body()), args.event(call.requestId()));
        });
        Runtime.getRuntime().addShutdownHook(new Thread(processor::close));
    }
}
