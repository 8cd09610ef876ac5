package io.integration.worker.execution;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class BulkheadsTest {

    @Test
    void atMostTheLimitInFlightAndAtMostFourTimesAsManyWaitTheRestAreRefusedAtOnce() throws Exception {
        List<Bulkheads.Bulkhead> created = new java.util.concurrent.CopyOnWriteArrayList<>();
        Bulkheads bulkheads = new Bulkheads(2, (id, b) -> created.add(b));
        Bulkheads.Permit one = bulkheads.acquire("crm", null, Duration.ZERO);
        Bulkheads.Permit two = bulkheads.acquire("crm", null, Duration.ZERO);
        assertThat(bulkheads.acquire("crm", null, Duration.ZERO)).as("full, no wait").isNull();

        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Bulkheads.Permit>> waiters = new ArrayList<>();
            for (int n = 0; n < Bulkheads.WAITERS_PER_SLOT * 2; n++) {
                waiters.add(threads.submit(() -> bulkheads.acquire("crm", null, Duration.ofSeconds(10))));
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> created.getFirst().waiting() == Bulkheads.WAITERS_PER_SLOT * 2); // all are waiting now
            long started = System.nanoTime();
            assertThat(bulkheads.acquire("crm", null, Duration.ofSeconds(10))).as("one waiter too many is refused at once").isNull();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
            one.close();
            two.close();
            two.close(); // released once, whatever happens
            int served = 0;
            for (Future<Bulkheads.Permit> waiter : waiters) {
                Bulkheads.Permit permit = waiter.get();
                if (permit != null) {
                    served++;
                    permit.close(); // a slot passes on to the next waiter
                }
            }
            assertThat(served).as("every waiter got a slot in turn").isEqualTo(waiters.size());
        }
        assertThat(bulkheads.acquire("other", null, Duration.ZERO)).as("instances have their own").isNotNull();
    }

    @Test
    void aNewLimitResizesTheInstancesBulkheadInPlace() throws Exception {
        List<Bulkheads.Bulkhead> created = new ArrayList<>();
        Bulkheads bulkheads = new Bulkheads(4, (id, b) -> created.add(b));
        Bulkheads.Permit a = bulkheads.acquire("crm", 2, Duration.ZERO);
        Bulkheads.Permit b = bulkheads.acquire("crm", 2, Duration.ZERO);
        assertThat(bulkheads.acquire("crm", 2, Duration.ZERO)).isNull();

        assertThat(bulkheads.acquire("crm", 3, Duration.ZERO)).as("grown by one").isNotNull();
        assertThat(bulkheads.acquire("crm", 1, Duration.ZERO)).as("shrunk below what is in flight").isNull();
        assertThat(created).hasSize(1);
        assertThat(created.getFirst().limit()).isEqualTo(1);
        assertThat(created.getFirst().inUse()).isEqualTo(3);
        a.close();
        b.close();
    }
}
