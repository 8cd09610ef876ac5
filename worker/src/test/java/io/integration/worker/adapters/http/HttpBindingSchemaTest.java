package io.integration.worker.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.integration.registry.AdapterDescriptor;
import io.integration.registry.JsonSchemas;
import io.integration.registry.Problem;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What publishing refuses in a method's http section, before any call would fail on it. */
class HttpBindingSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpAdapterProvider provider = new HttpAdapterProvider();
    private final AdapterDescriptor http = AdapterDescriptor.of("http", provider.version(), "built-in", provider.configSchema(),
            provider.bindingSchema());

    private List<String> problems(String binding) throws Exception {
        return JsonSchemas.validate("$.methods[0].http", http.bindingSchema(), JSON.readTree(binding)).stream().map(Problem::toString).toList();
    }

    @Test
    void aBindingEveryCallWouldRefuseIsRefusedAtPublish() throws Exception {
        assertThat(problems("{\"method\": \"GET\", \"path\": \"/contacts\", \"pagination\": {\"style\": \"link\", \"maxPages\": 5}}")).isEmpty();
        assertThat(problems("{\"method\": \"FETCH\", \"path\": \"/x\"}")).anyMatch(p -> p.startsWith("$.methods[0].http.method"));
        assertThat(problems("{\"method\": \"GET\", \"path\": \"x\"}")).anyMatch(p -> p.startsWith("$.methods[0].http.path"));
        assertThat(problems("{\"method\": \"POST\", \"path\": \"/search\", \"pagination\": {\"style\": \"link\"}}"))
                .as("pagination is for GET").anyMatch(p -> p.startsWith("$.methods[0].http.method"));
        assertThat(problems("{\"method\": \"GET\", \"path\": \"/x\", \"pagination\": {\"style\": \"cursor\", \"cursor\": \"next\"}}"))
                .anyMatch(p -> p.contains("cursorParam"));
        assertThat(problems("{\"method\": \"GET\", \"path\": \"/x\", \"requestFormat\": \"yaml\"}")).anyMatch(p -> p.contains("requestFormat"));
        assertThat(problems("{\"method\": \"GET\", \"path\": \"/x\", \"folowRedirects\": 2}")).as("a typo is not ignored")
                .anyMatch(p -> p.contains("folowRedirects"));
    }
}
