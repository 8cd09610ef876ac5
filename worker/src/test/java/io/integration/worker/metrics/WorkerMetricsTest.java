package io.integration.worker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.integration.worker.execution.AttemptRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final WorkerMetrics metrics = new WorkerMetrics(registry);

    @Test
    void everyRetryCountsAsAWaitEvenWhenTheJitterDrewZero() {
        metrics.finished("ops", "flaky", "UPSTREAM_ERROR", Duration.ofMillis(30), List.of(
                new AttemptRecord(1, 502, "UPSTREAM_ERROR", 5, 0),
                new AttemptRecord(2, 502, "UPSTREAM_ERROR", 5, 7),
                new AttemptRecord(3, 502, "UPSTREAM_ERROR", 5, 0)));

        var waits = registry.get("integration.retry.waits").tag("integration", "ops").timer();
        assertThat(waits.count()).as("two retries, one of them after a 0 ms wait").isEqualTo(2);
        assertThat(waits.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(7);
        assertThat(registry.get("integration.attempts").tag("method", "flaky").counter().count()).isEqualTo(3);
        assertThat(registry.get("integration.external.calls").tag("status", "5xx").timer().count()).isEqualTo(3);
    }

    @Test
    void aSingleAttemptRecordsNoWait() {
        metrics.finished("ops", "user", "SUCCESS", Duration.ofMillis(5), List.of(new AttemptRecord(1, 200, "SUCCESS", 5, 0)));

        assertThat(registry.find("integration.retry.waits").timers()).isEmpty();
        assertThat(registry.get("integration.requests").tag("outcome", "SUCCESS").timer().count()).isEqualTo(1);
    }
}
