package io.integration.worker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.integration.registry.store.StoreUnavailableException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class CoalescerTest {

    @Test
    void aLoneCallRunsAsABatchOfOne() {
        List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
        Coalescer<Integer, String> coalescer = new Coalescer<>(10, 1, in -> {
            batches.add(in);
            return in.stream().map(i -> "v" + i).toList();
        });

        assertThat(coalescer.submit(7)).isEqualTo("v7");
        assertThat(batches).containsExactly(List.of(7));
    }

    @Test
    void concurrentCallersShareRoundTripsAndEachGetsItsOwnAnswer() throws Exception {
        List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch firstBatchRunning = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Coalescer<Integer, Integer> coalescer = new Coalescer<>(64, 1, in -> {
            batchSizes.add(in.size());
            firstBatchRunning.countDown();
            await(release);
            return in.stream().map(i -> i * 2).toList();
        });
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Integer> first = callers.submit(() -> coalescer.submit(-1));
            firstBatchRunning.await();
            List<Future<Integer>> rest = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int n = i;
                rest.add(callers.submit(() -> coalescer.submit(n)));
            }
            Thread.sleep(200); // all 200 are queued behind the running batch
            release.countDown();

            assertThat(first.get()).isEqualTo(-2);
            for (int i = 0; i < rest.size(); i++) {
                assertThat(rest.get(i).get()).isEqualTo(2 * i);
            }
        }
        // 1 + 200 callers, batches of at most 64: far fewer round trips than callers.
        assertThat(batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(201);
        assertThat(batchSizes).allMatch(size -> size <= 64).hasSizeLessThanOrEqualTo(1 + 4 + 2);
    }

    @Test
    void aFailedBatchFailsItsCallersAndTheNextBatchStillRuns() {
        Coalescer<String, String> coalescer = new Coalescer<>(8, 1, in -> {
            if (in.contains("bad")) {
                throw new StoreUnavailableException("store down", null);
            }
            return in;
        });

        assertThatThrownBy(() -> coalescer.submit("bad")).isInstanceOf(StoreUnavailableException.class).hasMessage("store down");
        assertThat(coalescer.submit("good")).isEqualTo("good");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
