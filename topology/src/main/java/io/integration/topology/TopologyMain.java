package io.integration.topology;

import io.integration.avro.IntegrationEvent;
import io.integration.topology.health.HealthOutputs;
import io.integration.topology.input.SkipUnreadable;
import io.integration.topology.input.WireInputs;
import io.integration.topology.query.QueryServer;
import io.integration.wire.AvroWireCodec;
import io.integration.wire.SchemaRegistryClient;
import java.nio.file.Files;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topology process (composition root): settings from the environment ({@link TopologySettings}), the Streams
 * application ({@link IntegrationTopology}, exactly-once v2) and its query server. SIGTERM closes both cleanly.
 */
public final class TopologyMain {

    private static final Logger log = LoggerFactory.getLogger(TopologyMain.class);

    private TopologyMain() {
    }

    public static void main(String[] args) throws Exception {
        // The worker's jar carries logback.xml; the topology's own file has another name so both can share a classpath.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "logback-topology.xml");
        }
        TopologySettings settings;
        try {
            settings = TopologySettings.fromEnvironment(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("integration-topology: " + e.getMessage());
            System.exit(2);
            return;
        }
        Running running = start(settings);
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            closed.countDown();
        }, "topology-shutdown"));
        log.info("Topology running: {} -> {}; queries on http://{}:{}", settings.topics().events(), settings.topics().health(),
                settings.advertisedHost(), running.queries().port());
        closed.await();
    }

    /** A started topology: its Streams application and its query server. */
    public record Running(KafkaStreams streams, QueryServer queries) implements AutoCloseable {
        @Override
        public void close() {
            queries.close();
            streams.close(java.time.Duration.ofSeconds(30));
        }
    }

    /** Builds and starts the topology with {@code settings}; the query port is bound first (a taken port stops the start). */
    public static Running start(TopologySettings settings) throws java.io.IOException {
        SchemaRegistryClient registry = SchemaRegistryClient.forUrl(settings.registryUrl());
        HealthOutputs outputs = new HealthOutputs(settings.topics().health(), settings.topics().events(),
                settings.eventsFormat().equals("avro") ? AvroWireCodec.of(IntegrationEvent.class, registry) : null);
        Files.createDirectories(settings.stateDir());
        QueryServer queries = new QueryServer(settings.health(), settings.httpHost(), settings.httpPort());
        HostInfo self = new HostInfo(settings.advertisedHost(), queries.port());
        if (settings.advertisedHost().equals("localhost") || settings.advertisedHost().startsWith("127.")) {
            log.info("Queries are advertised as {}: fine for one instance; with several, give each its TOPOLOGY_HTTP_ADVERTISED_HOST", self);
        }
        Properties props = streamsProperties(settings, self);
        KafkaStreams streams;
        try {
            streams = new KafkaStreams(IntegrationTopology.build(settings.topics(), settings.health(), settings.dedupeRetention(),
                    settings.requestRetention(), new WireInputs(registry), outputs), props);
        } catch (RuntimeException e) {
            queries.close();
            throw e;
        }
        streams.setUncaughtExceptionHandler(e -> {
            log.error("A stream thread failed; it is replaced", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        queries.start(streams, self);
        streams.start();
        return new Running(streams, queries);
    }

    static Properties streamsProperties(TopologySettings settings, HostInfo self) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, TopologySettings.APPLICATION_ID);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toAbsolutePath().toString());
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, SkipUnreadable.class.getName());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueProcessingExceptionHandler.class.getName());
        props.putAll(settings.streams());
        return props;
    }
}
