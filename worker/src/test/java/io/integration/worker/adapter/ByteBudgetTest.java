package io.integration.worker.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ByteBudgetTest {

    private static long in(long millis) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** {@code reservation.grow(bytes)} on another thread, waiting up to 5 s. */
    private static CompletableFuture<Boolean> growElsewhere(ByteBudget.Reservation reservation, long bytes) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return reservation.grow(bytes, in(5_000));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void aReservationWaitsForBytesAnotherOneGivesBack() throws Exception {
        ByteBudget budget = new ByteBudget(100);
        ByteBudget.Reservation first = budget.open();
        assertThat(first.grow(80, in(10))).isTrue();

        ByteBudget.Reservation second = budget.open();
        CompletableFuture<Boolean> waiting = growElsewhere(second, 50);
        first.release();
        first.release(); // a second release gives nothing back twice

        assertThat(waiting.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(budget.used()).isEqualTo(50);
    }

    @Test
    void aReservationReleasedWhileItWaitsTakesNothingAndTheBudgetComesBackWhole() throws Exception {
        ByteBudget budget = new ByteBudget(100);
        ByteBudget.Reservation other = budget.open();
        assertThat(other.grow(60, in(10))).isTrue();
        ByteBudget.Reservation body = budget.open();
        assertThat(body.grow(30, in(10))).isTrue();

        // The body waits for 20 more (90 + 20 > 100), then its call gives up and releases it: its own 30 come free,
        // which would let the waiter through if it did not see the release.
        CompletableFuture<Boolean> waiting = growElsewhere(body, 20);
        org.awaitility.Awaitility.await().pollDelay(java.time.Duration.ofMillis(100)).until(() -> !waiting.isDone());
        body.release();

        assertThat(waiting.get(5, TimeUnit.SECONDS)).as("grown after its release").isFalse();
        other.release();
        assertThat(budget.used()).as("nothing held for good").isZero();
    }

    @Test
    void moreThanTheWholeBudgetIsRefusedAtOnceAndASpentBudgetUntilTheDeadline() throws Exception {
        ByteBudget budget = new ByteBudget(100);
        assertThat(budget.open().grow(101, in(5_000))).isFalse();

        assertThat(budget.open().grow(100, in(10))).isTrue();
        long started = System.nanoTime();
        assertThat(budget.open().grow(1, in(100))).isFalse();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isGreaterThanOrEqualTo(90);
    }
}
