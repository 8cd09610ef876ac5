package io.integration.worker.messaging;

/** How records are encoded on a topic. */
public enum WireFormat {
    /** Avro in the Confluent Schema Registry wire format. */
    AVRO,
    /** JSON text (UTF-8), readable by any client. */
    JSON,
    /** Results only: the encoding the request arrived in (JSON requests get JSON results). */
    MIRROR
}
