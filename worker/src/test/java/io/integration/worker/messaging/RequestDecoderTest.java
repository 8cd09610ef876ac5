package io.integration.worker.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.integration.avro.IntegrationRequest;
import io.integration.wire.AvroWireCodec;
import io.integration.wire.InMemorySchemaRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RequestDecoderTest {

    private final AvroWireCodec<IntegrationRequest> codec = AvroWireCodec.of(IntegrationRequest.class, InMemorySchemaRegistry.create());
    private final RequestDecoder decoder = new RequestDecoder(codec, new RequestLimits(64, 3, 100, 200));

    private DecodedRequest json(String text) {
        return decoder.decode(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsAJsonRequestWithObjectParamsAndIsoDeadline() {
        DecodedRequest decoded = json("""
                 {"requestId":"r1","integrationInstanceId":"i","methodName":"m","params":{"a":1},
                  "deadline":"2026-11-25T10:00:00Z","orderingKey":"k","attributes":{"tenant":"acme","n":3}}""");

        assertThat(decoded).isInstanceOfSatisfying(DecodedRequest.Valid.class, v -> {
            assertThat(v.format()).isEqualTo(WireFormat.JSON);
            assertThat(v.request().params()).isEqualTo("{\"a\":1}");
            assertThat(v.request().deadline()).isEqualTo(Instant.parse("2026-11-25T10:00:00Z"));
            assertThat(v.request().orderingKey()).isEqualTo("k");
            assertThat(v.request().attributes()).containsEntry("tenant", "acme").containsEntry("n", "3");
        });
    }

    @Test
    void paramsMayBeAJsonStringAsInTheAvroContract() {
        assertThat(json("{\"requestId\":\"r\",\"integrationInstanceId\":\"i\",\"methodName\":\"m\",\"params\":\"{\\\"a\\\":2}\",\"deadline\":5}"))
                .isInstanceOfSatisfying(DecodedRequest.Valid.class, v -> {
                    assertThat(v.request().params()).isEqualTo("{\"a\":2}");
                    assertThat(v.request().deadline()).isEqualTo(Instant.ofEpochMilli(5));
                });
    }

    @Test
    void aRequestWithAnIdButAMissingFieldIsInvalidNamingTheField() {
        assertThat(json("{\"requestId\":\"r\",\"integrationInstanceId\":\"i\"}"))
                .isInstanceOfSatisfying(DecodedRequest.Invalid.class, i -> {
                    assertThat(i.requestId()).isEqualTo("r");
                    assertThat(i.problem()).isEqualTo("methodName: missing (expected: a non-empty string)");
                });
        assertThat(json("{\"requestId\":\"r\",\"integrationInstanceId\":\"i\",\"methodName\":\"m\",\"deadline\":\"tomorrow\"}"))
                .isInstanceOfSatisfying(DecodedRequest.Invalid.class, i -> assertThat(i.problem()).startsWith("deadline: 'tomorrow' (expected:"));
        assertThat(json("{\"requestId\":\"r\",\"integrationInstanceId\":\"i\",\"methodName\":\"m\",\"params\":[1]}"))
                .isInstanceOfSatisfying(DecodedRequest.Invalid.class, i -> assertThat(i.problem()).startsWith("params: array"));
    }

    @Test
    void recordsThatCanNeverBeAnsweredArePoison() {
        assertThatThrownBy(() -> json("{\"integrationInstanceId\":\"i\"}")).isInstanceOf(PoisonRecordException.class)
                .hasMessageContaining("without requestId");
        assertThatThrownBy(() -> json("{not json")).isInstanceOf(PoisonRecordException.class);
        assertThatThrownBy(() -> decoder.decode(new byte[] {7, 7})).isInstanceOf(PoisonRecordException.class)
                .hasMessageContaining("0x7");
        assertThatThrownBy(() -> decoder.decode(new byte[0])).isInstanceOf(PoisonRecordException.class);
        assertThatThrownBy(() -> decoder.decode(new byte[] {0, 0, 0, 0, 99, 1})).isInstanceOf(PoisonRecordException.class)
                .hasMessageContaining("schema 99");
    }

    @Test
    void readsAnAvroRequest() {
        IntegrationRequest request = IntegrationRequest.newBuilder().setRequestId("r").setIntegrationInstanceId("i")
                .setMethodName("m").setParams("{}").setReplyTo("mine").build();

        assertThat(decoder.decode(codec.encode("t-value", request))).isInstanceOfSatisfying(DecodedRequest.Valid.class, v -> {
            assertThat(v.format()).isEqualTo(WireFormat.AVRO);
            assertThat(v.request().replyTo()).isEqualTo("mine");
        });
    }

    @Test
    void aRequestIdWithCrLfCannotBeAnsweredAndIsPoisonAtTheValidationStage() {
        assertThatThrownBy(() -> json("{\"requestId\":\"r1\\r\\nX-Injected: 1\",\"integrationInstanceId\":\"i\",\"methodName\":\"m\"}"))
                .isInstanceOfSatisfying(PoisonRecordException.class, e -> {
                    assertThat(e.stage()).isEqualTo(DeadLetters.Stage.VALIDATION);
                    assertThat(e.getMessage()).contains("requestId: control character U+000D at index 2");
                });
        assertThatThrownBy(() -> json("{\"requestId\":\"" + "r".repeat(65) + "\",\"integrationInstanceId\":\"i\",\"methodName\":\"m\"}"))
                .isInstanceOf(PoisonRecordException.class).hasMessageContaining("requestId: 65 characters (expected: at most 64)");
    }

    @Test
    void aRequestBreakingALimitWithAUsableRequestIdIsAnsweredNamingTheField() {
        assertThat(json("{\"requestId\":\"r\",\"integrationInstanceId\":\"i\",\"methodName\":\"m\",\"attributes\":{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\",\"d\":\"4\"}}"))
                .isInstanceOfSatisfying(DecodedRequest.Invalid.class, i -> assertThat(i.problem()).isEqualTo("attributes: 4 entries (expected: at most 3)"));
        assertThat(json("{\"requestId\":\"r\",\"integrationInstanceId\":\"i\",\"methodName\":\"m\",\"attributes\":{\"a\":\"" + "x".repeat(120) + "\"}}"))
                .isInstanceOfSatisfying(DecodedRequest.Invalid.class, i -> assertThat(i.problem()).startsWith("attributes: 121 bytes"));
        assertThat(json("{\"requestId\":\"r\",\"integrationInstanceId\":\"i\",\"methodName\":\"m\",\"params\":{\"t\":\"" + "x".repeat(300) + "\"}}"))
                .isInstanceOfSatisfying(DecodedRequest.Invalid.class, i -> assertThat(i.problem()).startsWith("params: 308 bytes"));
        assertThat(json("{\"requestId\":\"r\",\"correlationId\":\"c\\n\",\"integrationInstanceId\":\"i\",\"methodName\":\"m\"}"))
                .isInstanceOfSatisfying(DecodedRequest.Invalid.class, i -> {
                    assertThat(i.problem()).startsWith("correlationId: control character U+000A");
                    assertThat(i.correlationId()).as("not echoed into the answer").isNull();
                });
    }

    @Test
    void anAvroRequestIsHeldToTheSameLimits() {
        byte[] avro = codec.encode("t-value", IntegrationRequest.newBuilder().setRequestId("r\n").setIntegrationInstanceId("i")
                .setMethodName("m").setParams("{}").build());
        assertThatThrownBy(() -> decoder.decode(avro)).isInstanceOf(PoisonRecordException.class).hasMessageContaining("requestId");
    }
}
