package io.integration.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.integration.wire.HttpSchemaRegistryClient;
import io.integration.wire.SchemaRegistryException;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class DevSchemaRegistryTest {

    @Test
    void servesTheConfluentApiToTheRealHttpClient() {
        try (DevSchemaRegistry registry = DevSchemaRegistry.start(0)) {
            HttpSchemaRegistryClient client = HttpSchemaRegistryClient.of(registry.url());
            Schema schema = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}");

            int id = client.register("topic-value", schema);

            assertThat(id).isEqualTo(1);
            assertThat(HttpSchemaRegistryClient.of(registry.url()).schemaById(id)).isEqualTo(schema);
            assertThatThrownBy(() -> client.schemaById(77)).isInstanceOfSatisfying(SchemaRegistryException.class,
                    e -> assertThat(e.errorCode()).isEqualTo(40403));
        }
    }

    @Test
    void aStoppedRegistryRefusesConnectionsAndComesBackWithItsSchemas() {
        try (DevSchemaRegistry registry = DevSchemaRegistry.start(0)) {
            Schema schema = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}");
            int id = HttpSchemaRegistryClient.of(registry.url()).register("topic-value", schema);

            registry.stop();

            assertThatThrownBy(() -> HttpSchemaRegistryClient.of(registry.url()).schemaById(id))
                    .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.retriable()).isTrue());
            registry.restart();
            assertThat(HttpSchemaRegistryClient.of(registry.url()).schemaById(id)).isEqualTo(schema);
        }
    }
}
