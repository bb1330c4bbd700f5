package io.segpipe.jobs.registry;

/** How a registry change ended, as its history record says. */
public enum RunOutcome {
    /** A version became production: a retraining run's challenger, or a manually promoted version. */
    PROMOTED,
    /** The challenger was registered but the production version stayed (see the record's reason). */
    KEPT,
    /** The run failed; the production pointer was not changed. */
    FAILED,
    /** Production went back to the version it pointed to before (a manual rollback). */
    ROLLED_BACK
}
