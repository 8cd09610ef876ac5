package io.integration.worker.messaging.replay;

import java.time.Instant;
import java.util.Map;

/**
 * A replay as the API shows it: who asked for what and why, how far it got, how it ended.
 *
 * @param request the replay's parameters, as {@link ReplaySpec#toMap()} spells them
 * @param total records in the range when the replay started
 * @param error why the replay failed, or null
 */
public record ReplayStatus(String id, State state, String actor, String reason, String topic, Map<String, Object> request,
                           long total, Counts counts, Instant createdAt, Instant updatedAt, Instant finishedAt, String error) {

    /**
     * RUNNING until every record of the range is read; then DONE (records are produced, or counted in a dry run),
     * FAILED (error says why), CANCELLED (on request) or INTERRUPTED (the process running it stopped: its record was not
     * updated for {@link ReplayStore#HEARTBEAT_TIMEOUT}).
     */
    public enum State { RUNNING, DONE, FAILED, CANCELLED, INTERRUPTED }

    /**
     * What happened to the records read so far. {@code replayed} in a dry run: would be replayed.
     *
     * @param notMatching filtered out by instance, method, request id or error code
     * @param succeeded recorded as succeeded, skipped without {@code force}
     * @param pending no result recorded yet (a request that may still run), skipped without {@code force}
     * @param duplicate a request id this replay already replayed
     * @param undecodable bytes that are no request (a worker would dead-letter them again)
     * @param expired the request's deadline has passed: run again, it could only answer DEADLINE_EXCEEDED
     * @param lost records of the range deleted by the topic's retention before the replay read them (not scanned)
     */
    public record Counts(long scanned, long replayed, long notMatching, long succeeded, long pending, long duplicate, long undecodable,
                         long expired, long lost) {

        public static final Counts NONE = new Counts(0, 0, 0, 0, 0, 0, 0, 0, 0);

        public long skipped() {
            return scanned - replayed;
        }
    }

    /** This status as of {@code now} (a heartbeat: the progress did not change, the replay is still alive). */
    ReplayStatus touched(Instant now) {
        return new ReplayStatus(id, state, actor, reason, topic, request, total, counts, createdAt, now, finishedAt, error);
    }

    public boolean finished() {
        return state != State.RUNNING;
    }
}
