package io.integration.registry.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TransformsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Transforms transforms = Transforms.defaults();

    @Test
    void eightThreadsEvaluatingOneExpressionWithTheRootVariableGetEveryResultRight() throws Exception {
        String expression = "{ 'id': $$.id, 'total': $sum($$.items.(price * $$.factor)), 'who': $who }";
        AtomicInteger wrong = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 10_000; i++) {
                    int id = thread * 100_000 + i;
                    JsonNode input = JSON.createObjectNode().put("id", id).put("factor", thread + 1)
                            .set("items", JSON.createArrayNode().add(JSON.createObjectNode().put("price", i)).add(JSON.createObjectNode().put("price", 1)));
                    JsonNode out = transforms.apply("test", expression, input, Map.of("who", JSON.getNodeFactory().textNode("t" + thread)));
                    if (out.get("id").asLong() != id || out.get("total").asLong() != (long) (i + 1) * (thread + 1)
                            || !out.get("who").asText().equals("t" + thread)) {
                        wrong.incrementAndGet();
                    }
                    done.incrementAndGet();
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(done.get()).isEqualTo(80_000);
        assertThat(wrong.get()).as("wrong results").isZero();
    }

    @Test
    void aRunawayExpressionIsStoppedByItsBoundsAndNamed() {
        Transforms bounded = new Transforms(Duration.ofMillis(200), 50);
        String recursion = "( $f := function($n) { $n <= 0 ? 0 : 1 + $f($n - 1) }; $f(100000) )";

        assertThatThrownBy(() -> bounded.apply("demo@1.0.0 method 'x' responseTransform", recursion, JSON.createObjectNode(), Map.of()))
                .isInstanceOf(TransformException.class).hasMessageStartingWith("demo@1.0.0 method 'x' responseTransform failed");
        long started = System.nanoTime();
        String loop = "( $f := function($n) { $n > 0 ? $f($n + 1) : 0 }; $f(1) )";
        assertThatThrownBy(() -> bounded.apply("loop", loop, JSON.createObjectNode(), Map.of())).isInstanceOf(TransformException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void namedTransformsAreFunctionsEveryMethodCanCallAndOnlyTheUsedOnesAreBound() throws Exception {
        Map<String, String> named = Map.of(
                "fullName", "function($p) { $p.first & ' ' & $p.last }",
                "toContact", "function($p) { {'name': $fullName($p), 'email': $lowercase($p.mail)} }",
                "unused", "function($x) { $x }");
        String expression = "{ 'contacts': people.$toContact($) }";

        String composed = Transforms.withNamed(named, expression);
        JsonNode out = Transforms.defaults().apply("t", composed,
                JSON.readTree("{\"people\":[{\"first\":\"Ada\",\"last\":\"Lovelace\",\"mail\":\"ADA@x.org\"}]}"), Map.of());

        assertThat(out).isEqualTo(JSON.readTree("{\"contacts\":{\"name\":\"Ada Lovelace\",\"email\":\"ada@x.org\"}}"));
        assertThat(composed).contains("$toContact :=").contains("$fullName :=").doesNotContain("$unused");
        assertThat(Transforms.withNamed(named, "$.a")).isEqualTo("$.a");
        assertThat(Transforms.namedProblem("toContact", named.get("toContact"))).isEmpty();
        assertThat(Transforms.namedProblem("string", "function($x) { $x }")).get().asString().contains("would hide");
        assertThat(Transforms.namedProblem("2fast", "function($x) { $x }")).get().asString().contains("expected: a name");
        assertThat(Transforms.namedProblem("total", "$sum(items)")).get().asString().contains("not a function");
        assertThat(Transforms.namedProblem("path", "functionName")).as("a path that starts like one").get().asString().contains("not a function");
        assertThat(Transforms.namedProblem("called", "function($x) { $x }(1)")).as("a lambda called at once").get().asString()
                .contains("not a function");
        assertThat(Transforms.namedProblem("broken", "function($x) { $x.( }")).get().asString().startsWith("not a JSONata expression");
    }

    @Test
    void aSyntaxErrorIsAProblemAndNothingIsUndefined() {
        assertThat(Transforms.problem("{ 'a': ")).isPresent().get().asString().startsWith("not a JSONata expression");
        assertThat(Transforms.problem("$.a")).isEmpty();
        assertThat(transforms.apply("t", "missing.field", JSON.createObjectNode(), Map.of())).isNull();
    }
}
