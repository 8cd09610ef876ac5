package io.integration.worker.adapter;

/**
 * Executes one method call against an external system. One instance serves all calls of its type:
 * implementations are thread-safe and may block (calls run on virtual threads).
 *
 * <p>Contract: return an {@link AdapterResponse} for a successful (2xx-equivalent) answer; throw an
 * {@link AdapterException} subtype otherwise, deciding once, here at the edge, whether the failure is
 * retriable. Never log or put into an exception message the values of {@link AdapterCall#auth()}.
 * Honour {@link AdapterCall#timeout()} for the whole exchange, body included, and
 * {@link AdapterCall#maxResponseBytes()}.
 */
public interface Adapter {

    AdapterResponse execute(AdapterCall call) throws AdapterException;
}
