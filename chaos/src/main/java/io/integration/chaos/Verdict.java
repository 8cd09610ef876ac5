package io.integration.chaos;

/** What a scenario's oracle concluded: whether every request is accounted for, and the figures behind it. */
interface Verdict {

    /** True only when every criterion of the scenario holds. */
    boolean accounted();

    /** The figures, one criterion per line, for the run's report. */
    String describe();
}
