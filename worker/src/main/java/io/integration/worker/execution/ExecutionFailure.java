package io.integration.worker.execution;

/** Ends a request early with a failure outcome; internal to the execution pipeline. */
final class ExecutionFailure extends RuntimeException {

    private final transient Outcome.Failure failure;

    ExecutionFailure(Outcome.Failure failure) {
        super(failure.message(), null, false, false);
        this.failure = failure;
    }

    Outcome.Failure failure() {
        return failure;
    }
}
