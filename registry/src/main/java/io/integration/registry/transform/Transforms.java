package io.integration.registry.transform;

import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JSONata transforms (com.dashjoin:jsonata), bounded in time and depth. A parsed expression is not thread-safe (its
 * evaluation keeps state: wrong results under concurrency with {@code $$}), so each expression has a small pool of parsed
 * copies: an evaluation borrows one, or parses a new one when all are busy, and gives it back. Thread-safe.
 */
public final class Transforms {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int POOL_PER_EXPRESSION = 64;
    /** Most distinct expressions kept parsed (definitions are few; a bound keeps a hostile registry from growing it). */
    private static final int MAX_EXPRESSIONS = 10_000;

    private final Duration timeout;
    private final int maxDepth;
    private final Map<String, BlockingQueue<Jsonata>> pools = new ConcurrentHashMap<>();

    /** {@code timeout}: the longest one evaluation may run; {@code maxDepth}: the deepest recursion it may reach. */
    public Transforms(Duration timeout, int maxDepth) {
        this.timeout = timeout;
        this.maxDepth = maxDepth;
    }

    /** The defaults: 1 s, depth 200. */
    public static Transforms defaults() {
        return new Transforms(Duration.ofSeconds(1), 200);
    }

    /** Compiles {@code expression}; empty when it parses, else the parser's message. */
    public static java.util.Optional<String> problem(String expression) {
        try {
            Jsonata.jsonata(expression);
            return java.util.Optional.empty();
        } catch (RuntimeException e) {
            return java.util.Optional.of("not a JSONata expression: " + String.valueOf(e.getMessage()));
        }
    }

    /**
     * Evaluates {@code expression} over {@code input} with {@code bindings} as {@code $name} variables; null when the
     * expression yields nothing.
     *
     * @param name what the expression is, for messages (e.g. {@code github@1.0.0#createIssue requestTransform})
     * @throws TransformException naming {@code name} and the failure (never the data)
     */
    public JsonNode apply(String name, String expression, JsonNode input, Map<String, JsonNode> bindings) {
        Jsonata parsed = borrow(name, expression);
        try {
            Jsonata.Frame frame = parsed.createFrame();
            frame.setRuntimeBounds(timeout.toMillis(), maxDepth);
            bindings.forEach((key, value) -> frame.bind(key, JSON.convertValue(value, Object.class)));
            Object out = parsed.evaluate(JSON.convertValue(input, Object.class), frame);
            return out == null || out == Jsonata.NULL_VALUE ? null : JSON.valueToTree(out);
        } catch (RuntimeException e) {
            throw new TransformException(name + " failed: " + describe(e));
        } catch (StackOverflowError e) {
            throw new TransformException(name + " failed: recursion too deep");
        } finally {
            giveBack(expression, parsed);
        }
    }

    private Jsonata borrow(String name, String expression) {
        BlockingQueue<Jsonata> pool = pools.get(expression);
        Jsonata parsed = pool == null ? null : pool.poll();
        if (parsed != null) {
            return parsed;
        }
        try {
            return Jsonata.jsonata(expression);
        } catch (RuntimeException e) {
            throw new TransformException(name + " is not a JSONata expression: " + describe(e));
        }
    }

    private void giveBack(String expression, Jsonata parsed) {
        if (pools.size() >= MAX_EXPRESSIONS && !pools.containsKey(expression)) {
            return;
        }
        pools.computeIfAbsent(expression, e -> new ArrayBlockingQueue<>(POOL_PER_EXPRESSION)).offer(parsed);
    }

    /** The library's message, which names the JSONata error code and position, without the input. */
    private static String describe(RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.length() > 300 ? message.substring(0, 300) + "..." : message;
    }
}
