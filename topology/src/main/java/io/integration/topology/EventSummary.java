package io.integration.topology;

/**
 * What the health topology needs of an integration event, whichever encoding it arrived in.
 *
 * @param errorCode the failure's code for {@code integration.method.failed}, else null
 */
public record EventSummary(String type, String instanceId, long occurredAt, String errorCode) {
}
