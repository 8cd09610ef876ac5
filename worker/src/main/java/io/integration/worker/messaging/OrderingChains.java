package io.integration.worker.messaging;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Queues of jobs that share an ordering key on a partition: only the head of a queue runs; the next one
 * starts when the head's execution finished. Thread-safe (jobs finish on worker threads).
 */
final class OrderingChains {

    private final Map<String, ArrayDeque<Job>> queues = new HashMap<>();

    /** Appends {@code job}; returns true when it is the head and should start now. */
    synchronized boolean enqueue(Job job) {
        ArrayDeque<Job> queue = queues.computeIfAbsent(job.chainKey(), k -> new ArrayDeque<>());
        queue.addLast(job);
        return queue.size() == 1;
    }

    /** Removes the finished head {@code job}; returns the next job of its chain to start, or null. */
    synchronized Job next(Job job) {
        ArrayDeque<Job> queue = queues.get(job.chainKey());
        if (queue == null || queue.peekFirst() != job) {
            return null;
        }
        queue.pollFirst();
        if (queue.isEmpty()) {
            queues.remove(job.chainKey());
            return null;
        }
        return queue.peekFirst();
    }
}
