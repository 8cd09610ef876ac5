package io.integration.worker.messaging;

import io.integration.avro.IntegrationRequest;
import io.integration.wire.AvroWireCodec;
import io.integration.wire.SchemaRegistryClient;
import java.util.Optional;

/**
 * Reads what a tool outside the worker (a replay) needs of a request record: its request id, instance and method, in
 * either wire format. Thread-safe.
 */
public final class RequestSummaries {

    /** A request record's ids; {@code instanceId} and {@code methodName} are null when the record lacks them. */
    public record Summary(String requestId, String instanceId, String methodName, java.time.Instant deadline) {
    }

    /** Wide enough to read any record a worker could answer; the worker applies its own limits when the record runs. */
    private static final RequestLimits ANY = new RequestLimits(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);

    private final RequestDecoder decoder;

    public RequestSummaries(SchemaRegistryClient registry) {
        this.decoder = new RequestDecoder(AvroWireCodec.of(IntegrationRequest.class, registry), ANY);
    }

    /**
     * The record's ids, or empty when its bytes are no request a worker could answer (it would be dead-lettered again).
     * Throws {@link io.integration.wire.SchemaRegistryException} when the schema registry cannot be asked right now.
     */
    public Optional<Summary> summary(byte[] value) {
        try {
            return Optional.of(switch (decoder.decode(value)) {
                case DecodedRequest.Valid v -> new Summary(v.request().requestId(), v.request().instanceId(), v.request().methodName(),
                        v.request().deadline());
                case DecodedRequest.Invalid i -> new Summary(i.requestId(), i.instanceId(), i.methodName(), null);
            });
        } catch (io.integration.wire.SchemaRegistryException e) {
            if (e.retriable()) {
                throw e;
            }
            return Optional.empty();
        } catch (RuntimeException | StackOverflowError e) {
            // As the worker's loop: whatever cannot be decoded is no request (it would be dead-lettered again).
            return Optional.empty();
        }
    }
}
