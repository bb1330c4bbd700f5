/**
 * One small builder class per architecture family, each composed from {@link io.segpipe.model.arch.Blocks}.
 */
package io.segpipe.model.arch;
