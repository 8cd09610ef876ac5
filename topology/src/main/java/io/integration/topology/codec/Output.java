package io.integration.topology.codec;

/** A record the topology writes: its topic (the health topic or the events topic) and its encoded value. */
public record Output(String topic, byte[] value) {
}
