/**
 * The model file: DL4J's ComputationGraph zip, written with DL4J's serializer and read by
 * segpipe's own restore ({@link io.segpipe.model.io.ModelFile}), which never deserializes Java
 * objects from the file and refuses a file that names foreign classes or does not hash to its
 * recorded SHA-256.
 */
package io.segpipe.model.io;
