package io.integration.worker.app;

import com.mongodb.client.MongoDatabase;
import io.integration.worker.config.WorkerConfig;
import io.integration.worker.messaging.RequestWorker;
import io.integration.worker.metrics.WorkerMetrics;
import io.integration.worker.ops.OpsServer;
import io.integration.worker.ops.PeriodicCheck;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.java21.instrument.binder.jdk.VirtualThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.bson.Document;

/**
 * The worker's metrics registry (Prometheus, with the JVM and virtual-thread binders) and its operations endpoint with
 * the liveness and readiness checks. Built before the pipeline (which reports into {@link #metrics}), served once the
 * loop exists.
 */
final class Operations implements AutoCloseable {

    /** A loop that has not finished a cycle for this long is stuck (a poll returns within a second; a revoke within 10 s). */
    static final Duration LOOP_STALL = Duration.ofSeconds(60);
    /** MongoDB is pinged this often; readiness turns DOWN when no ping succeeded for {@link #MONGO_STALE}. */
    static final Duration MONGO_EVERY = Duration.ofSeconds(2);
    static final Duration MONGO_STALE = Duration.ofSeconds(6);

    final WorkerMetrics metrics;
    private final PrometheusMeterRegistry prometheus;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private OpsServer server;

    Operations() {
        prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // The producer's per-topic series would follow every replyTo topic a requester names: not bounded.
        prometheus.config().meterFilter(io.micrometer.core.instrument.config.MeterFilter.denyNameStartsWith("kafka.producer.topic"));
        metrics = new WorkerMetrics(prometheus);
        new JvmMemoryMetrics().bindTo(prometheus);
        new JvmThreadMetrics().bindTo(prometheus);
        new ClassLoaderMetrics().bindTo(prometheus);
        new ProcessorMetrics().bindTo(prometheus);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(prometheus);
        resources.add(gc);
        VirtualThreadMetrics virtualThreads = new VirtualThreadMetrics();
        virtualThreads.bindTo(prometheus);
        resources.add(virtualThreads);
    }

    /**
     * Serves {@code /metrics} and the probes on {@code ops.host:ops.port} (none when the port is -1). Live: the loop
     * thread runs and finished a cycle within {@link #LOOP_STALL} (never down because Kafka or MongoDB is). Ready: the
     * group gave an assignment, MongoDB answered a ping lately, the credentials keyset is open (the worker does not start
     * without it).
     */
    void serve(WorkerConfig config, RequestWorker worker, Thread loop, Supplier<RequestWorker.LoopState> queue, Thread queueLoop,
               MongoDatabase db) {
        if (config.opsPort() < 0) {
            return;
        }
        PeriodicCheck mongo = new PeriodicCheck("mongodb", () -> db.runCommand(new Document("ping", 1)), MONGO_EVERY, MONGO_STALE);
        resources.add(mongo);
        List<OpsServer.Check> live = new ArrayList<>(List.of(loopCheck("loop", worker::state, loop)));
        List<OpsServer.Check> ready = new ArrayList<>(live);
        ready.add(new OpsServer.Check("assignment", () -> worker.state().assigned() ? Optional.empty() : Optional.of("no group assignment yet")));
        if (queue != null) {
            OpsServer.Check queueCheck = loopCheck("queue", queue, queueLoop);
            live.add(queueCheck);
            ready.add(queueCheck);
            ready.add(new OpsServer.Check("share group", () -> queue.get().assigned() ? Optional.empty()
                    : Optional.of("the share group has not answered a poll yet")));
        }
        ready.add(new OpsServer.Check("mongodb", mongo::problem));
        ready.add(new OpsServer.Check("keyset", Optional::empty));
        server = OpsServer.start(config.opsHost(), config.opsPort(), prometheus::scrape, live, ready);
    }

    private static OpsServer.Check loopCheck(String name, Supplier<RequestWorker.LoopState> state, Thread loop) {
        return new OpsServer.Check(name, () -> {
            long idle = System.nanoTime() - state.get().cycleNanos();
            return !loop.isAlive() ? Optional.of("the " + name + " loop has ended")
                    : idle > LOOP_STALL.toNanos() ? Optional.of("no " + name + " cycle for " + Duration.ofNanos(idle).toSeconds() + " s")
                    : Optional.empty();
        });
    }

    /** The endpoint's port, or -1 when there is none. */
    int port() {
        return server == null ? -1 : server.port();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        metrics.close();
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                // closing at shutdown: nothing left to do about it
            }
        }
        prometheus.close();
    }
}
