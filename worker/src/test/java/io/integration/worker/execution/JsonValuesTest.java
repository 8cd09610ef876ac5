package io.integration.worker.execution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonValuesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {
            "{}",
            "{\"s\":\"text\",\"i\":1,\"l\":12345678901,\"big\":123456789012345678901234567890,\"d\":1.5,\"e\":1e300,\"t\":true,\"f\":false,\"n\":null}",
            "{\"nested\":{\"a\":[1,\"two\",{\"three\":3.0},[],null]},\"order\":{\"z\":1,\"a\":2,\"m\":3}}",
            "{\"unicode\":\"é ☃ \\u0000\",\"empty\":\"\",\"neg\":-0.0,\"min\":-9223372036854775808}"})
    void givesWhatConvertValueGives(String json) throws Exception {
        JsonNode tree = JSON.readTree(json);

        Map<String, Object> fast = JsonValues.toMap(tree);

        Map<String, Object> reference = JSON.convertValue(tree, new TypeReference<>() { });
        assertThat(fast).isEqualTo(reference);
        assertThat(JSON.writeValueAsString(fast)).as("same types and key order, so the same JSON").isEqualTo(JSON.writeValueAsString(reference));
    }
}
