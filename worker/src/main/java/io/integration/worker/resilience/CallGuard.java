package io.integration.worker.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.integration.worker.adapter.AdapterException;
import io.integration.worker.adapter.AdapterResponse;
import io.integration.registry.policy.BreakerSettings;
import io.integration.registry.policy.MethodPolicy;
import io.integration.registry.policy.RateSettings;
import io.integration.registry.policy.RetrySettings;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Runs a call under its circuit breaker (resilience4j; one per instance, or per method where the
 * definition gives the method its own settings) with retries: exponential backoff with
 * full jitter, stretched to the system's {@code Retry-After}, bounded by the attempts and by the request's
 * deadline. Only retriable failures are retried, and for methods that are not idempotent only those where
 * the system did not do the work (connection refused, 429, 503). Permanent answers (4xx) count as the
 * system being up; retriable failures count against the breaker.
 *
 * <p>Waiting parks the calling virtual thread on a timer: it holds no carrier thread. Thread-safe.
 */
public final class CallGuard {

    /** One attempt of the call with the given timeout. */
    @FunctionalInterface
    public interface AttemptCall {
        AdapterResponse call(Duration timeout) throws AdapterException;
    }

    /** Waits; the default parks the current (virtual) thread. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private record Breaker(BreakerSettings settings, CircuitBreaker breaker) {
    }

    private final Map<String, Breaker> breakers = new ConcurrentHashMap<>();
    private final Map<String, Instant> openedAt = new ConcurrentHashMap<>();
    private final InstanceGate gate;
    private final Duration maxHold;
    private final Duration maxRetryAfter;
    private final Clock clock;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final BreakerListener listener;

    /**
     * @param maxHold the longest a request waits for its instance's hold or rate budget before it is handed back
     * @param maxRetryAfter the longest a system's {@code Retry-After} holds its instance
     */
    public CallGuard(Clock clock, Sleeper sleeper, RandomGenerator random, BreakerListener listener, Duration maxHold, Duration maxRetryAfter) {
        this.gate = new InstanceGate(clock, maxHold);
        this.maxHold = maxHold;
        this.maxRetryAfter = maxRetryAfter;
        this.clock = clock;
        this.sleeper = sleeper;
        this.random = random;
        this.listener = listener;
    }

    /** A guard with real time and real waits. */
    public static CallGuard standard(Clock clock, BreakerListener listener, Duration maxHold, Duration maxRetryAfter) {
        return new CallGuard(clock, Thread::sleep, RandomGenerator.getDefault(), listener, maxHold, maxRetryAfter);
    }

    /**
     * Calls until an answer, a permanent failure, the last attempt, or the deadline.
     *
     * @param timeout the per-attempt timeout, shortened to what is left before {@code deadline}
     * @param deadline the request's deadline, or null
     */
    public Guarded call(String instanceId, Policy policy, boolean idempotent, Duration timeout, Instant deadline, AttemptCall call) {
        CircuitBreaker breaker = breaker(policy.breakerScope(), policy.breaker());
        RetrySettings retry = policy.retry();
        List<Attempt> trail = new ArrayList<>();
        for (int n = 1; ; n++) {
            Guarded held = awaitAdmission(instanceId, policy.rate(), policy.rateScope(), deadline, trail);
            if (held != null) {
                return held;
            }
            if (!breaker.tryAcquirePermission()) {
                return new Guarded.CircuitOpen(policy.breakerScope(), closedIn(policy.breakerScope(), breaker, policy.breaker()), List.copyOf(trail));
            }
            Duration attemptTimeout = timeout;
            boolean deadlineBound = false;
            if (deadline != null) {
                Duration left = Duration.between(clock.instant(), deadline);
                if (left.compareTo(timeout) < 0) {
                    attemptTimeout = left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left;
                    deadlineBound = true;
                }
            }
            long started = System.nanoTime();
            boolean settled = false;
            try {
                AdapterResponse response = call.call(attemptTimeout);
                long elapsed = System.nanoTime() - started;
                settled = true;
                breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
                trail.add(new Attempt(n, response.status(), "OK", TimeUnit.NANOSECONDS.toMillis(elapsed), 0));
                return new Guarded.Answered(response, List.copyOf(trail));
            } catch (AdapterException e) {
                long elapsed = System.nanoTime() - started;
                settled = true;
                if (e.retriable()) {
                    breaker.onError(elapsed, TimeUnit.NANOSECONDS, e);
                } else {
                    breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
                }
                Attempt attempt = new Attempt(n, status(e), outcome(e), TimeUnit.NANOSECONDS.toMillis(elapsed), 0);
                if (e instanceof AdapterException.UpstreamStatus s && (s.status() == 429 || s.status() == 503) && s.retryAfter().isPresent()) {
                    // A hostile or broken Retry-After (a day, a year) must not wedge the instance: hold at most maxRetryAfter.
                    Duration asked = s.retryAfter().get();
                    gate.hold(instanceId, asked.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : asked);
                }
                Duration wait = e.retriable() && n < retry.maxAttempts() && mayRepeat(e, idempotent) ? waitBefore(n + 1, retry, e) : null;
                if (wait == null || (deadline != null && !clock.instant().plus(wait).isBefore(deadline))) {
                    trail.add(attempt);
                    return new Guarded.Failed(e, deadlineBound, List.copyOf(trail));
                }
                if (wait.compareTo(maxHold) > 0) {
                    // The system asked for a wait longer than a request may hold its slot: hand it back instead.
                    trail.add(attempt);
                    return new Guarded.RateLimited(instanceId, wait, List.copyOf(trail));
                }
                trail.add(attempt.withWait(wait.toMillis()));
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return new Guarded.Failed(e, deadlineBound, List.copyOf(trail));
                }
            } finally {
                if (!settled) {
                    // Left by anything else (ownership lost, a bug in an adapter): give the permit back, or a half-open
                    // breaker would wait forever for a probe that never reports.
                    breaker.releasePermission();
                }
            }
        }
    }

    /** The policy of one call: retries, the breaker and rate budget and what each guards. */
    public record Policy(RetrySettings retry, BreakerSettings breaker, Scope breakerScope, RateSettings rate, Scope rateScope) {

        /** The policy of a call of {@code methodName} on {@code instanceId}: which breaker and budget guard it. */
        public static Policy of(MethodPolicy policy, String instanceId, String methodName) {
            Scope instance = Scope.instance(instanceId);
            Scope own = Scope.method(instanceId, methodName);
            return new Policy(policy.retry(), policy.breaker(), policy.ownBreaker() ? own : instance,
                    policy.rate(), policy.ownRate() ? own : instance);
        }
    }

    /**
     * How long until {@code breaker} lets calls through again: the rest of its open time, or, half-open
     * with every probe taken, a short while (a tenth of the open time, at most a second).
     */
    private Duration closedIn(Scope scope, CircuitBreaker breaker, BreakerSettings settings) {
        Duration shortWhile = settings.openFor().dividedBy(10).compareTo(Duration.ofSeconds(1)) < 0
                ? settings.openFor().dividedBy(10) : Duration.ofSeconds(1);
        Instant opened = openedAt.get(scope.key());
        if (breaker.getState() != CircuitBreaker.State.OPEN || opened == null) {
            return shortWhile;
        }
        Duration left = Duration.between(clock.instant(), opened.plus(settings.openFor()));
        return left.compareTo(shortWhile) > 0 ? left : shortWhile;
    }

    /**
     * Waits out the instance's hold and takes a rate permit; returns a {@link Guarded.RateLimited} when that
     * takes longer than {@code maxHold} or than the deadline allows, null when the call may go.
     */
    private Guarded awaitAdmission(String instanceId, RateSettings rate, Scope rateScope, Instant deadline, List<Attempt> trail) {
        Duration hold = gate.holdLeft(instanceId);
        if (hold.compareTo(Duration.ZERO) > 0) {
            if (hold.compareTo(maxHold) > 0 || (deadline != null && !clock.instant().plus(hold).isBefore(deadline))) {
                return new Guarded.RateLimited(instanceId, hold, List.copyOf(trail));
            }
            try {
                sleeper.sleep(hold);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Guarded.RateLimited(instanceId, hold, List.copyOf(trail));
            }
        }
        if (!gate.acquire(rateScope.key(), rate)) {
            return new Guarded.RateLimited(instanceId, rate.per(), List.copyOf(trail));
        }
        return null;
    }

    private Duration waitBefore(int next, RetrySettings retry, AdapterException e) {
        long ceiling = retry.ceilingBefore(next).toMillis();
        Duration jitter = Duration.ofMillis(ceiling <= 0 ? 0 : random.nextLong(ceiling + 1));
        if (e instanceof AdapterException.UpstreamStatus s && s.retryAfter().isPresent() && s.retryAfter().get().compareTo(jitter) > 0) {
            return s.retryAfter().get();
        }
        return jitter;
    }

    /** Whether repeating could not do the work twice: always for idempotent methods, else only when the system declined it. */
    private static boolean mayRepeat(AdapterException e, boolean idempotent) {
        if (idempotent) {
            return true;
        }
        return switch (e) {
            case AdapterException.UpstreamStatus s -> s.status() == 429 || s.status() == 503;
            case AdapterException.Unreachable u -> u.getCause() instanceof ConnectException;
            default -> false;
        };
    }

    private static Integer status(AdapterException e) {
        return e instanceof AdapterException.UpstreamStatus s ? s.status() : null;
    }

    private static String outcome(AdapterException e) {
        return switch (e) {
            case AdapterException.UpstreamStatus s -> "UPSTREAM_ERROR";
            case AdapterException.UpstreamError u -> "UPSTREAM_ERROR";
            case AdapterException.Timeout t -> "TIMEOUT";
            case AdapterException.Unreachable u -> "UNREACHABLE";
            case AdapterException.ResponseTooLarge r -> "RESPONSE_TOO_LARGE";
            case AdapterException.DestinationNotAllowed d -> "DESTINATION_NOT_ALLOWED";
            case AdapterException.InvalidCall i -> "INVALID_CALL";
        };
    }

    private CircuitBreaker breaker(Scope scope, BreakerSettings settings) {
        Breaker current = breakers.get(scope.key());
        if (current != null && current.settings().equals(settings)) {
            return current.breaker();
        }
        return breakers.compute(scope.key(), (key, existing) -> existing != null && existing.settings().equals(settings)
                ? existing : new Breaker(settings, create(scope, settings))).breaker();
    }

    private CircuitBreaker create(Scope scope, BreakerSettings s) {
        CircuitBreaker breaker = CircuitBreaker.of(scope.key(), CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(s.slidingWindow())
                .minimumNumberOfCalls(s.minimumCalls())
                .failureRateThreshold(s.failureRateThreshold())
                .waitDurationInOpenState(s.openFor())
                .permittedNumberOfCallsInHalfOpenState(s.halfOpenCalls())
                // A half-open breaker whose probes never report (a lost permit, a stuck call) opens again rather than
                // refusing every call forever.
                .maxWaitDurationInHalfOpenState(s.openFor())
                .build());
        breaker.getEventPublisher().onStateTransition(event -> {
            switch (event.getStateTransition().getToState()) {
                case OPEN -> {
                    openedAt.put(scope.key(), clock.instant());
                    listener.changed(scope, true);
                }
                case CLOSED -> listener.changed(scope, false);
                default -> {
                    // HALF_OPEN and the rest are steps on the way, not news for subscribers.
                }
            }
        });
        return breaker;
    }
}
