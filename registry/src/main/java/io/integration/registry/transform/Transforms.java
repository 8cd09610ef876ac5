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

    private static final ObjectMapper JSON = io.integration.registry.JsonMappers.create();
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

    private static final java.util.regex.Pattern REFERENCE = java.util.regex.Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)");
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    /** JSONata's own functions and the variables the worker binds: a named transform may not hide them. */
    private static final java.util.Set<String> RESERVED = java.util.Set.of("sum", "count", "max", "min", "average", "string",
            "substring", "substringBefore", "substringAfter", "lowercase", "uppercase", "length", "trim", "pad", "formatNumber",
            "formatBase", "formatInteger", "parseInteger", "number", "abs", "floor", "ceil", "round", "power", "sqrt", "random",
            "boolean", "not", "exists", "match", "contains", "replace", "split", "join", "keys", "lookup", "spread", "merge",
            "sift", "each", "error", "assert", "type", "append", "sort", "reverse", "shuffle", "distinct", "zip", "map", "filter",
            "single", "reduce", "now", "millis", "fromMillis", "toMillis", "base64encode", "base64decode", "encodeUrl",
            "encodeUrlComponent", "decodeUrl", "decodeUrlComponent", "eval", "clone", "config", "status");

    /**
     * {@code expression} with the named transforms it uses (directly or through another) bound first, as
     * {@code ($name := function(...) {...}; expression)}; {@code expression} itself when it uses none.
     */
    public static String withNamed(Map<String, String> named, String expression) {
        if (named.isEmpty()) {
            return expression;
        }
        java.util.Set<String> used = new java.util.TreeSet<>();
        java.util.Deque<String> pending = new java.util.ArrayDeque<>(java.util.List.of(expression));
        while (!pending.isEmpty()) {
            java.util.regex.Matcher m = REFERENCE.matcher(pending.pop());
            while (m.find()) {
                if (named.containsKey(m.group(1)) && used.add(m.group(1))) {
                    pending.push(named.get(m.group(1)));
                }
            }
        }
        if (used.isEmpty()) {
            return expression;
        }
        StringBuilder out = new StringBuilder("(");
        used.forEach(name -> out.append('$').append(name).append(" := ").append(named.get(name)).append(";\n"));
        return out.append(expression).append("\n)").toString();
    }

    /** What is wrong with a named transform: its name, or its text (a JSONata function). Empty when fine. */
    public static java.util.Optional<String> namedProblem(String name, String function) {
        if (!NAME.matcher(name).matches()) {
            return java.util.Optional.of("'" + name + "' (expected: a name of letters, digits and _, not starting with a digit)");
        }
        if (RESERVED.contains(name)) {
            return java.util.Optional.of("'" + name + "' would hide JSONata's $" + name + " or a variable the worker binds"
                    + " (expected: another name)");
        }
        String text = function == null ? "" : function.strip();
        java.util.Optional<String> syntax = problem(text);
        if (syntax.isPresent()) {
            return syntax;
        }
        // What the text is, without calling it: a lambda's type is "function" (a path or an immediately called lambda is not).
        Object type;
        try {
            Jsonata kind = Jsonata.jsonata("$type(" + text + ")");
            Jsonata.Frame frame = kind.createFrame();
            frame.setRuntimeBounds(1000, 50);
            type = kind.evaluate(null, frame);
        } catch (RuntimeException | StackOverflowError e) {
            type = null;
        }
        return "function".equals(type) ? java.util.Optional.empty()
                : java.util.Optional.of("not a function (expected: function($x) { ... }, called as $" + name + "(...))");
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
