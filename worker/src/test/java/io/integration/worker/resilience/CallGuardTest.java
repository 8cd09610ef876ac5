package io.integration.worker.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.integration.worker.adapter.AdapterException;
import io.integration.worker.adapter.AdapterResponse;
import io.integration.registry.policy.BreakerSettings;
import io.integration.registry.policy.RateSettings;
import io.integration.registry.policy.RetrySettings;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class CallGuardTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private final List<Duration> waits = new ArrayList<>();
    private final List<Boolean> circuitChanges = new ArrayList<>();
    /** Time moves only when the guard waits, so waits are exact and tests instant. */
    private final Clock clock = new Clock() {
        @Override
        public Instant instant() {
            return NOW.plus(waits.stream().reduce(Duration.ZERO, Duration::plus));
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    };
    private final CallGuard guard = new CallGuard(clock, waits::add, RandomGenerator.of("L64X128MixRandom"),
            (scope, open) -> circuitChanges.add(open), Duration.ofSeconds(30),
            Duration.ofMinutes(15));
    private final RetrySettings retry = new RetrySettings(4, Duration.ofMillis(100), Duration.ofSeconds(1));
    private final BreakerSettings lenient = new BreakerSettings(100, 100, 100, Duration.ofSeconds(30), 1);

    /** Answers with the scripted failures, then 200. */
    private static final class Script implements CallGuard.AttemptCall {
        final Deque<AdapterException> failures;
        int calls;

        Script(AdapterException... failures) {
            this.failures = new ArrayDeque<>(List.of(failures));
        }

        @Override
        public AdapterResponse call(Duration timeout) throws AdapterException {
            calls++;
            AdapterException next = failures.poll();
            if (next != null) {
                throw next;
            }
            return new AdapterResponse(200, Map.of(), new byte[0]);
        }
    }

    private static CallGuard.Policy policy(String instanceId, RetrySettings retry, BreakerSettings breaker, RateSettings rate) {
        return new CallGuard.Policy(retry, breaker, Scope.instance(instanceId), rate, Scope.instance(instanceId));
    }

    private static AdapterException status(int code) {
        return new AdapterException.UpstreamStatus("answered " + code, code, null);
    }

    @Test
    void retriesRetriableFailuresWithFullJitterBackoffAndKeepsTheTrail() {
        Script script = new Script(status(503), new AdapterException.Timeout("slow"));

        Guarded result = guard.call("i", policy("i", retry, lenient, RateSettings.UNLIMITED), true, Duration.ofSeconds(1), null, script);

        assertThat(result).isInstanceOf(Guarded.Answered.class);
        assertThat(script.calls).isEqualTo(3);
        assertThat(result.trail()).extracting(Attempt::outcome).containsExactly("UPSTREAM_ERROR", "TIMEOUT", "OK");
        assertThat(result.trail().get(0).httpStatus()).isEqualTo(503);
        assertThat(waits).hasSize(2);
        assertThat(waits.get(0)).isBetween(Duration.ZERO, Duration.ofMillis(100));
        assertThat(waits.get(1)).isBetween(Duration.ZERO, Duration.ofMillis(200));
        assertThat(result.trail().get(0).waitMs()).isEqualTo(waits.get(0).toMillis());
    }

    @Test
    void clientErrorsAreTriedOnce() {
        for (int code : new int[] {400, 404, 422}) {
            Script script = new Script(status(code));
            assertThat(guard.call("i", policy("i", retry, lenient, RateSettings.UNLIMITED), true, Duration.ofSeconds(1), null, script)).isInstanceOf(Guarded.Failed.class);
            assertThat(script.calls).as("calls for %d", code).isEqualTo(1);
        }
        assertThat(waits).isEmpty();
    }

    @Test
    void attemptsAreBoundedByMaxAttempts() {
        Script script = new Script(status(500), status(500), status(500), status(500), status(500));

        Guarded result = guard.call("i", policy("i", retry, lenient, RateSettings.UNLIMITED), true, Duration.ofSeconds(1), null, script);

        assertThat(result).isInstanceOfSatisfying(Guarded.Failed.class, f -> assertThat(f.trail()).hasSize(4));
        assertThat(script.calls).isEqualTo(4);
    }

    @Test
    void retryAfterStretchesTheWaitAndTheDeadlineStopsRetries() {
        Script script = new Script(new AdapterException.UpstreamStatus("busy", 429, Duration.ofSeconds(3)));
        assertThat(guard.call("i", policy("i", retry, lenient, RateSettings.UNLIMITED), true, Duration.ofSeconds(1), null, script)).isInstanceOf(Guarded.Answered.class);
        assertThat(waits).containsExactly(Duration.ofSeconds(3));

        Script late = new Script(new AdapterException.UpstreamStatus("busy", 429, Duration.ofSeconds(3)));
        Guarded result = guard.call("j", policy("j", retry, lenient, RateSettings.UNLIMITED), true, Duration.ofSeconds(1),
                clock.instant().plusSeconds(2), late);
        assertThat(result).isInstanceOf(Guarded.Failed.class);
        assertThat(late.calls).isEqualTo(1);
    }

    @Test
    void aRetryAfterHoldsEveryCallOfTheInstanceAndALongHoldEndsAsRateLimited() {
        guard.call("held", policy("held", new RetrySettings(1, Duration.ofMillis(1), Duration.ofMillis(1)), lenient,
                RateSettings.UNLIMITED), true, Duration.ofSeconds(1), null, new Script(new AdapterException.UpstreamStatus("busy", 429, Duration.ofSeconds(3))));

        Script other = new Script();
        assertThat(guard.call("held", policy("held", retry, lenient, RateSettings.UNLIMITED), true, Duration.ofSeconds(1), null, other))
                .isInstanceOf(Guarded.Answered.class);
        assertThat(waits).containsExactly(Duration.ofSeconds(3));

        guard.call("busy", policy("busy", new RetrySettings(1, Duration.ofMillis(1), Duration.ofMillis(1)), lenient,
                RateSettings.UNLIMITED), true, Duration.ofSeconds(1), null, new Script(new AdapterException.UpstreamStatus("busy", 429, Duration.ofHours(1))));
        Script never = new Script();
        assertThat(guard.call("busy", policy("busy", retry, lenient, RateSettings.UNLIMITED), true, Duration.ofSeconds(1), null, never))
                .as("an hour asked, held for worker.max.retry.after at most")
                .isInstanceOfSatisfying(Guarded.RateLimited.class, r -> assertThat(r.retryAfter()).isEqualTo(Duration.ofMinutes(15)));
        assertThat(never.calls).isZero();
    }

    @Test
    void theRateLimitSpacesCallsOfAnInstance() {
        CallGuard realTime = CallGuard.standard(Clock.systemUTC(), BreakerListener.NONE, Duration.ofSeconds(5), Duration.ofMinutes(15));
        CallGuard.Policy twoPerSecond = policy("limited", retry, lenient, new RateSettings(2, Duration.ofMillis(500)));
        long started = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            assertThat(realTime.call("limited", twoPerSecond, true, Duration.ofSeconds(1), null, new Script())).isInstanceOf(Guarded.Answered.class);
        }
        // 5 calls at 2 per 500 ms need at least two refresh periods
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }

    @Test
    void nonIdempotentMethodsAreRepeatedOnlyWhenTheSystemDeclinedTheWork() {
        Script serverError = new Script(status(500));
        assertThat(guard.call("i", policy("i", retry, lenient, RateSettings.UNLIMITED), false, Duration.ofSeconds(1), null, serverError)).isInstanceOf(Guarded.Failed.class);
        assertThat(serverError.calls).isEqualTo(1);

        Script declined = new Script(status(503), status(429),
                new AdapterException.Unreachable("refused", new ConnectException("refused")));
        assertThat(guard.call("i", policy("i", retry, lenient, RateSettings.UNLIMITED), false, Duration.ofSeconds(1), null, declined)).isInstanceOf(Guarded.Answered.class);
        assertThat(declined.calls).isEqualTo(4);
    }

    @Test
    void theBreakerOpensOnRepeatedFailuresAndThenLetsNoCallThrough() {
        BreakerSettings tight = new BreakerSettings(50, 4, 4, Duration.ofSeconds(30), 1);
        RetrySettings once = new RetrySettings(1, Duration.ofMillis(1), Duration.ofMillis(1));
        for (int i = 0; i < 4; i++) {
            guard.call("flaky", policy("flaky", once, tight, RateSettings.UNLIMITED), true, Duration.ofSeconds(1), null, new Script(status(503)));
        }

        Script script = new Script();
        Guarded result = guard.call("flaky", policy("flaky", once, tight, RateSettings.UNLIMITED), true, Duration.ofSeconds(1), null, script);

        assertThat(result).isInstanceOfSatisfying(Guarded.CircuitOpen.class, c -> assertThat(c.retryAfter()).isEqualTo(Duration.ofSeconds(30)));
        assertThat(script.calls).isZero();
        assertThat(circuitChanges).containsExactly(true);
        assertThat(guard.call("other", policy("other", once, tight, RateSettings.UNLIMITED), true, Duration.ofSeconds(1), null, new Script())).isInstanceOf(Guarded.Answered.class);
    }

    @Test
    void aMethodWithItsOwnBreakerTripsAloneAndNamesItself() {
        BreakerSettings tight = new BreakerSettings(50, 4, 4, Duration.ofSeconds(30), 1);
        RetrySettings once = new RetrySettings(1, Duration.ofMillis(1), Duration.ofMillis(1));
        List<Scope> opened = new ArrayList<>();
        CallGuard guarded = new CallGuard(clock, waits::add, RandomGenerator.of("L64X128MixRandom"),
                (scope, open) -> opened.add(scope), Duration.ofSeconds(30), Duration.ofMinutes(15));
        CallGuard.Policy export = new CallGuard.Policy(once, tight, Scope.method("crm", "export"), RateSettings.UNLIMITED, Scope.instance("crm"));
        CallGuard.Policy lookup = new CallGuard.Policy(once, tight, Scope.instance("crm"), RateSettings.UNLIMITED, Scope.instance("crm"));
        for (int i = 0; i < 4; i++) {
            guarded.call("crm", export, true, Duration.ofSeconds(1), null, new Script(status(503)));
        }

        assertThat(guarded.call("crm", export, true, Duration.ofSeconds(1), null, new Script())).isInstanceOf(Guarded.CircuitOpen.class);
        assertThat(guarded.call("crm", lookup, true, Duration.ofSeconds(1), null, new Script())).isInstanceOf(Guarded.Answered.class);
        assertThat(opened).containsExactly(Scope.method("crm", "export"));
        assertThat(Scope.method("crm", "export").describe()).isEqualTo("method 'export' of integration instance 'crm'");
    }

    @Test
    void anOpenCircuitSaysWhenItLetsCallsThroughAgain() {
        BreakerSettings tight = new BreakerSettings(50, 4, 4, Duration.ofSeconds(30), 1);
        RetrySettings once = new RetrySettings(1, Duration.ofMillis(1), Duration.ofMillis(1));
        for (int i = 0; i < 4; i++) {
            guard.call("slow", policy("slow", once, tight, RateSettings.UNLIMITED), true, Duration.ofSeconds(1), null, new Script(status(503)));
        }
        waits.add(Duration.ofSeconds(12)); // time passes while the circuit is open

        Guarded result = guard.call("slow", policy("slow", once, tight, RateSettings.UNLIMITED), true, Duration.ofSeconds(1), null, new Script());

        assertThat(result).isInstanceOfSatisfying(Guarded.CircuitOpen.class, c -> assertThat(c.retryAfter()).isEqualTo(Duration.ofSeconds(18)));
    }

    @Test
    void aProbeLeftByAnExceptionGivesItsPermitBackSoTheHalfOpenBreakerCanProbeAgain() {
        // openFor 1 s: it is also the longest a half-open breaker waits for its probe, and the next call must come within it
        BreakerSettings quick = new BreakerSettings(50, 4, 4, Duration.ofSeconds(1), 1);
        RetrySettings once = new RetrySettings(1, Duration.ofMillis(1), Duration.ofMillis(1));
        CallGuard.Policy policy = policy("probe", once, quick, RateSettings.UNLIMITED);
        for (int i = 0; i < 4; i++) {
            guard.call("probe", policy, true, Duration.ofSeconds(1), null, new Script(status(503)));
        }
        // resilience4j moves to half-open on its own clock once openFor has passed.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> {
            try {
                guard.call("probe", policy, true, Duration.ofSeconds(1), null, timeout -> {
                    throw new IllegalStateException("ownership lost while probing");
                });
                return false;
            } catch (IllegalStateException probeLeft) {
                return true;
            }
        });

        Script next = new Script();
        assertThat(guard.call("probe", policy, true, Duration.ofSeconds(1), null, next))
                .as("the single half-open permit came back: the next call probes").isInstanceOf(Guarded.Answered.class);
        assertThat(next.calls).isEqualTo(1);
    }

    @Test
    void settingsComeFromTheDefinitionWithPreciseErrors() {
        assertThat(RetrySettings.from(Map.of("maxAttempts", 5, "initialBackoff", "50ms"), Map.of("maxBackoff", "2s")))
                .isEqualTo(new RetrySettings(5, Duration.ofMillis(50), Duration.ofSeconds(2)));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RetrySettings.from(Map.of("maxAttempts", 0), Map.of()))
                .hasMessage("retry.maxAttempts: 0 (expected: >= 1)");
        assertThat(BreakerSettings.from(Map.of("failureRateThreshold", 50, "slidingWindow", 50, "openFor", "30s")).slidingWindow()).isEqualTo(50);
    }
}
