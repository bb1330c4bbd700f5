package io.segpipe.jobs.registry;

/** How a retraining run ended, as its history record says. */
public enum RunOutcome {
    /** The challenger became the production version. */
    PROMOTED,
    /** The challenger was registered but the production version stayed (see the record's reason). */
    KEPT,
    /** The run failed; the production pointer was not changed. */
    FAILED
}
