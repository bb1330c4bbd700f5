/**
 * End-to-end tests of segpipe as users run it: the shaded application jar submitted through
 * {@code deploy/submit.sh} to a Spark standalone cluster on loopback, with local files and HDFS,
 * and with faults. Classes named {@code *IT} run under failsafe at {@code mvn verify}; those tagged
 * {@code slow} only with {@code -Pslow}.
 */
package io.segpipe.it;
