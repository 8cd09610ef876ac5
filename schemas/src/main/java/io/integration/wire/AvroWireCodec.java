package io.integration.wire;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes and decodes one generated Avro record type in the Confluent Schema Registry wire format:
 * magic byte {@code 0}, the writer schema's registry id as 4 bytes big-endian, then Avro binary.
 *
 * <p>Writing registers the record's schema under the given subject once (TopicNameStrategy callers
 * pass {@code <topic>-value}). Reading fetches the writer schema by id and resolves it against the
 * generated class's schema, so records written with older or newer compatible schemas decode.
 * Thread-safe.
 */
public final class AvroWireCodec<T extends SpecificRecord> {

    /** The first byte of every wire-format record. */
    public static final byte MAGIC_BYTE = 0;
    /** Magic byte plus schema id. */
    public static final int HEADER_SIZE = 5;

    private final SchemaRegistryClient registry;
    private final Schema readerSchema;
    private final SpecificDatumWriter<T> writer;
    private final Map<String, Integer> idsBySubject = new ConcurrentHashMap<>();
    private final Map<Integer, SpecificDatumReader<T>> readersById = new ConcurrentHashMap<>();

    private AvroWireCodec(SchemaRegistryClient registry, Schema readerSchema) {
        this.registry = registry;
        this.readerSchema = readerSchema;
        this.writer = new SpecificDatumWriter<>(readerSchema);
    }

    /** A codec for the generated class {@code type}, talking to {@code registry}. */
    public static <T extends SpecificRecord> AvroWireCodec<T> of(Class<T> type, SchemaRegistryClient registry) {
        return new AvroWireCodec<>(registry, SpecificData.get().getSchema(type));
    }

    /** Serializes {@code record} with its schema registered under {@code subject}. */
    public byte[] encode(String subject, T record) {
        int id = idsBySubject.computeIfAbsent(subject, s -> registry.register(s, readerSchema));
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(MAGIC_BYTE);
        out.write(id >>> 24);
        out.write(id >>> 16);
        out.write(id >>> 8);
        out.write(id);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new IllegalStateException("Avro encoding to memory failed", e);
        }
        return out.toByteArray();
    }

    /**
     * Deserializes wire-format {@code bytes}.
     *
     * @throws WireFormatException when the bytes are not a record of this type (permanent)
     * @throws SchemaRegistryException when the writer schema cannot be fetched (see its {@code retriable()})
     */
    public T decode(byte[] bytes) {
        if (bytes == null || bytes.length < HEADER_SIZE) {
            throw new WireFormatException("Record of " + (bytes == null ? "null" : bytes.length) + " bytes is too short for the wire format (expected: >= 5)", null);
        }
        if (bytes[0] != MAGIC_BYTE) {
            throw new WireFormatException("Unknown magic byte 0x" + Integer.toHexString(bytes[0] & 0xff) + " (expected: 0x00)", null);
        }
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        SpecificDatumReader<T> reader = readersById.computeIfAbsent(id, this::readerFor);
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, HEADER_SIZE, bytes.length - HEADER_SIZE, null);
        try {
            return reader.read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new WireFormatException("Cannot decode " + readerSchema.getName() + " written with schema " + id + ": " + e, e);
        }
    }

    private SpecificDatumReader<T> readerFor(int id) {
        Schema writerSchema;
        try {
            writerSchema = registry.schemaById(id);
        } catch (SchemaRegistryException e) {
            if (!e.retriable()) {
                throw new WireFormatException("Writer schema " + id + " is unknown to the registry: " + e.getMessage(), e);
            }
            throw e;
        }
        return new SpecificDatumReader<>(writerSchema, readerSchema);
    }

    /** Schema id of a wire-format record, or -1 when {@code bytes} is not one. */
    public static int schemaId(byte[] bytes) {
        return bytes != null && bytes.length >= HEADER_SIZE && bytes[0] == MAGIC_BYTE ? ByteBuffer.wrap(bytes, 1, 4).getInt() : -1;
    }
}
