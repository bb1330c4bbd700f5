/**
 * {@code segpipe ui}: DL4J's own training UI over the statistics file training writes
 * ({@code statsFile}, DL4J's {@code StatsListener} into a {@code J7FileStatsStorage}), so DL4J users
 * see the charts they know while a run trains and after it ended.
 *
 * <ul>
 *   <li>{@link io.segpipe.jobs.ui.StatsFile}: the file, opened only if it exists and is SQLite, and
 *       polled for rows another process (the training driver) wrote since, which DL4J's storage
 *       only announces for its own writes.</li>
 *   <li>{@link io.segpipe.jobs.ui.StatsRecords}: the allow-list of classes the file's rows may
 *       deserialize to: DL4J's storage reads them with Java serialization.</li>
 *   <li>{@link io.segpipe.jobs.ui.LoopbackUiServer}: DL4J's Vert.x server, listening on 127.0.0.1
 *       only (DL4J 1.0.0-M2.1 binds every interface and has no setting for it).</li>
 *   <li>{@link io.segpipe.jobs.ui.TrainingUi}: the two together, started and stopped as one.</li>
 * </ul>
 */
package io.segpipe.jobs.ui;
