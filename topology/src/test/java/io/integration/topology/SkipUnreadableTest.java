package io.integration.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.integration.topology.input.SkipUnreadable;
import io.integration.topology.input.WireInputs;
import io.integration.wire.InMemorySchemaRegistry;
import io.integration.wire.SchemaRegistryClient;
import io.integration.wire.SchemaRegistryException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

/** What the deserialization handler does with a record that cannot be read now, and with one that never can. */
class SkipUnreadableTest {

    private static final ConsumerRecord<byte[], byte[]> RECORD = new ConsumerRecord<>("integration.events", 0, 7, new byte[0], new byte[0]);

    @Test
    void garbageIsSkippedButARecordTheRegistryCouldNotHelpReadIsReadAgain() {
        SkipUnreadable handler = new SkipUnreadable();
        long before = SkipUnreadable.skipped();

        assertThat(handler.handleError(context(), RECORD, new SerializationException("not an event")).result())
                .isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        assertThat(SkipUnreadable.skipped() - before).isEqualTo(1);

        SerializationException registryDown = registryDown();
        assertThat(registryDown).isInstanceOf(WireInputs.RegistryUnavailableException.class);
        assertThat(handler.handleError(context(), RECORD, registryDown).result()).isEqualTo(DeserializationExceptionHandler.Result.FAIL);
        assertThat(SkipUnreadable.skipped() - before).as("not counted as skipped").isEqualTo(1);
    }

    /** What the event deserializer throws for an Avro record while the registry does not answer. */
    private static SerializationException registryDown() {
        SchemaRegistryClient down = new SchemaRegistryClient() {
            @Override
            public int register(String subject, org.apache.avro.Schema schema) {
                throw new SchemaRegistryException("down", -1, -1, true, null);
            }

            @Override
            public org.apache.avro.Schema schemaById(int id) {
                throw new SchemaRegistryException("down", -1, -1, true, null);
            }
        };
        try {
            new WireInputs(down).events().deserialize("integration.events", new byte[] {0, 0, 0, 0, 1, 2});
            throw new AssertionError("an Avro event read while the registry is down");
        } catch (SerializationException e) {
            return e;
        }
    }

    private static ErrorHandlerContext context() {
        return new ErrorHandlerContext() {
            public String topic() {
                return "integration.events";
            }

            public int partition() {
                return 0;
            }

            public long offset() {
                return 7;
            }

            public Headers headers() {
                return new RecordHeaders();
            }

            public String processorNodeId() {
                return "events";
            }

            public TaskId taskId() {
                return new TaskId(0, 0);
            }

            public long timestamp() {
                return 0;
            }

            public byte[] sourceRawKey() {
                return null;
            }

            public byte[] sourceRawValue() {
                return null;
            }
        };
    }
}
