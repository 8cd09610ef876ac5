package io.integration.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.integration.avro.IntegrationRequest;
import io.integration.avro.IntegrationResult;
import io.integration.avro.ResultStatus;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AvroWireCodecTest {

    private final InMemorySchemaRegistry registry = InMemorySchemaRegistry.create();
    private final AvroWireCodec<IntegrationRequest> codec = AvroWireCodec.of(IntegrationRequest.class, registry);

    private static IntegrationRequest knownRequest() {
        return IntegrationRequest.newBuilder()
                .setRequestId("r1")
                .setIntegrationInstanceId("i")
                .setMethodName("m")
                .setParams("{}")
                .setDeadline(Instant.ofEpochMilli(1000))
                .setAttributes(Map.of("k", "v"))
                .build();
    }

    @Test
    void encodesAKnownRecordByteForByteAsTheConfluentWireFormat() {
        // Given the first schema registered (id 1) and a record whose Avro binary is derived by hand from the spec
        byte[] expected = {
                0x00, 0x00, 0x00, 0x00, 0x01,        // magic byte 0, schema id 1 as 4 bytes big-endian
                0x04, 'r', '1',                      // requestId: zigzag length 2, "r1"
                0x00,                                // correlationId: union branch 0 (null)
                0x02, 'i',                           // integrationInstanceId
                0x02, 'm',                           // methodName
                0x04, '{', '}',                      // params
                0x00, 0x00,                          // definitionVersion, orderingKey: null
                0x02, (byte) 0xD0, 0x0F,             // deadline: branch 1, zigzag varint of 1000 (2000 = 0xD0 0x0F)
                0x00,                                // replyTo: null
                0x02, 0x02, 'k', 0x02, 'v', 0x00,    // attributes: one block of 1 entry "k" -> "v", end of map
                0x00                                 // createdAt: null
        };

        // When
        byte[] actual = codec.encode("integration.requests-value", knownRequest());

        // Then
        assertThat(actual).containsExactly(expected);
        assertThat(AvroWireCodec.schemaId(actual)).isEqualTo(1);
        assertThat(codec.decode(expected)).isEqualTo(knownRequest());
    }

    @Test
    void roundTripsAResultWithNestedErrorAndEnum() {
        AvroWireCodec<IntegrationResult> results = AvroWireCodec.of(IntegrationResult.class, registry);
        IntegrationResult result = IntegrationResult.newBuilder()
                .setRequestId("r1").setIntegrationInstanceId("i").setMethodName("m")
                .setStatus(ResultStatus.ERROR)
                .setError(io.integration.avro.IntegrationError.newBuilder()
                        .setCode("UPSTREAM_ERROR").setMessage("answered 500").setRetryable(true).setDetails("{\"httpStatus\":500}").build())
                .setAttempts(1)
                .setStartedAt(Instant.ofEpochMilli(10)).setCompletedAt(Instant.ofEpochMilli(30)).setDurationMs(20)
                .build();

        assertThat(results.decode(results.encode("integration.results-value", result))).isEqualTo(result);
    }

    @Test
    void theSameSchemaGetsTheSameIdInEverySubject() {
        byte[] a = codec.encode("a-value", knownRequest());
        byte[] b = codec.encode("b-value", knownRequest());

        assertThat(AvroWireCodec.schemaId(a)).isEqualTo(AvroWireCodec.schemaId(b));
        assertThat(registry.subjects()).containsExactlyInAnyOrder("a-value", "b-value");
    }

    @Test
    void rejectsBytesThatAreNotTheWireFormatNamingWhatWasExpected() {
        assertThatThrownBy(() -> codec.decode("{\"requestId\":1}".getBytes()))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("magic byte 0x7b (expected: 0x00)");
        assertThatThrownBy(() -> codec.decode(new byte[] {0, 0}))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("too short");
        assertThatThrownBy(() -> codec.decode(new byte[] {0, 0, 0, 0, 42, 1, 2}))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("Writer schema 42 is unknown");
    }

    @Test
    void rejectsATruncatedBody() {
        byte[] bytes = codec.encode("s-value", knownRequest());
        byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 6);

        assertThatThrownBy(() -> codec.decode(truncated)).isInstanceOf(WireFormatException.class);
    }

    @Test
    void mockUrlsWithTheSameScopeShareOneRegistry() {
        SchemaRegistryClient a = SchemaRegistryClient.forUrl("mock://shared-scope-test");
        SchemaRegistryClient b = SchemaRegistryClient.forUrl("mock://shared-scope-test");
        int id = a.register("x-value", IntegrationRequest.getClassSchema());

        assertThat(b.schemaById(id)).isEqualTo(IntegrationRequest.getClassSchema());
        assertThatThrownBy(() -> SchemaRegistryClient.forUrl("ftp://x"))
                .hasMessageContaining("schema.registry.url: 'ftp://x' (expected: mock://<scope> or http(s)://host:port)");
    }
}
