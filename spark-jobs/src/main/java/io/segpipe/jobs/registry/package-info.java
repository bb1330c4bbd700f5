/**
 * The model registry that scheduled retraining ({@link io.segpipe.jobs.retrain}) reads and writes,
 * on any Hadoop file system path:
 *
 * <pre>
 * &lt;root&gt;/registry.json                 format marker, written once
 *        production.json               pointer to the production version, replaced by one atomic rename; it keeps
 *                                      the earlier production versions a rollback returns to
 *        lock                          present while a run holds the registry ({@link io.segpipe.jobs.registry.RegistryLock})
 *        versions/v000001/             a model directory ({@link io.segpipe.jobs.model.ModelDirectory}) + version.json;
 *                 v000002/ ...         published by one rename, never modified afterwards
 *        history/&lt;utc&gt;-&lt;run&gt;.json      one immutable record per retraining run (metrics, decision, reason) or
 *                                      manual promotion or rollback, listed in name order
 *        reports/&lt;run&gt;/...              evaluation reports of the run's challenger and champion
 *        staging/&lt;run&gt;/...              work area of the run holding the lock; leftovers of killed runs are removed
 * </pre>
 *
 * <p>Every write is temp-then-rename through {@link io.segpipe.prep.fs.AtomicFs}, except where the
 * registry needs a guarantee AtomicFs does not give ({@link io.segpipe.jobs.registry.RegistryFs}):
 * the lock's create-if-absent, and replacing the pointer and the lock atomically on the local file
 * system. Every mutation checks first that the caller still
 * holds the lock, so a run whose lock was broken as stale stops before it changes anything.
 *
 * <p>Jobs name a registry's model as {@code registry:<root>} (production) or
 * {@code registry:<root>@v3} ({@link io.segpipe.jobs.registry.ModelSource}); people look into a
 * registry and move its production pointer with {@code segpipe registry}
 * ({@link io.segpipe.jobs.registry.RegistryAdmin}).
 */
package io.segpipe.jobs.registry;
