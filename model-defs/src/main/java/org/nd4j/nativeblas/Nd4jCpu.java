package org.nd4j.nativeblas;

import java.lang.reflect.Method;

/**
 * Compatibility bridge that lets DL4J 1.0.0-M2.1 find ND4J's oneDNN switch.
 *
 * <p>{@code org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper.mklDnnEnabled()} looks up
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment} by reflection and calls
 * {@code getInstance().isUseMKLDNN()}. In M2.1 the JavaCPP bindings moved to
 * {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment} and the method was renamed
 * {@code isUseONEDNN()}, so the lookup throws, every oneDNN layer helper reports itself
 * unsupported and convolutions fall back to DL4J's im2col path (about 6x slower on CPU; see
 * docs/stack.md, "oneDNN helpers"). This class restores the name DL4J asks for and forwards to the real
 * binding, which is reached by reflection so that the module also compiles against the CUDA
 * backend (where DL4J never asks: its backend check says "CUDA" first).
 *
 * <p>Nothing else in segpipe uses this class; {@code io.segpipe.model.backend.Nd4jBackend} reports
 * whether the helpers are engaged and the backend tests fail if they are not.
 */
public final class Nd4jCpu {

    private Nd4jCpu() {
    }

    /** The shape DL4J reflects on: {@code Environment.getInstance().isUseMKLDNN()}. */
    public static final class Environment {
        static final String BINDING = "org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment";

        private static final Environment INSTANCE = new Environment();

        private Environment() {
        }

        public static Environment getInstance() {
            return INSTANCE;
        }

        /**
         * Whether the loaded libnd4j was built with oneDNN and has it switched on.
         *
         * @throws IllegalStateException when the CPU binding is not on the class path; DL4J
         *     treats any throwable as "not available", which is the truth in that case
         */
        public boolean isUseMKLDNN() {
            try {
                Class<?> binding = Class.forName(BINDING);
                Object nativeEnvironment = binding.getMethod("getInstance").invoke(null);
                Method isUseOneDnn = binding.getMethod("isUseONEDNN");
                return (Boolean) isUseOneDnn.invoke(nativeEnvironment);
            } catch (ReflectiveOperationException | LinkageError e) {
                throw new IllegalStateException("ND4J CPU binding " + BINDING + " is not usable", e);
            }
        }
    }
}
