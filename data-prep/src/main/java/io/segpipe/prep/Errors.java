package io.segpipe.prep;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * One-line descriptions of exception chains, for error messages that name the cause without a
 * stack trace. Libraries (ImageIO, DL4J, Hadoop) often wrap the informative exception in several
 * generic ones; these helpers walk {@link Throwable#getCause()} so the message shows it.
 */
public final class Errors {

    private Errors() {
    }

    /** The innermost cause of {@code t}, or {@code t} itself when it has none; stops on a cyclic chain. */
    public static Throwable rootCause(Throwable t) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Throwable root = t;
        while (root.getCause() != null && seen.add(root)) {
            root = root.getCause();
        }
        return root;
    }

    /** The root cause as {@code "SimpleClassName: message"}, or only the class name when it has no message. */
    public static String rootCauseMessage(Throwable t) {
        Throwable root = rootCause(t);
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    /**
     * {@code t}'s message followed by each cause's in parentheses, outermost first:
     * {@code "message (cause) (its cause)"}; a throwable without a message contributes its simple
     * class name. Stops on a cyclic chain.
     */
    public static String messageWithCauses(Throwable t) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        StringBuilder message = new StringBuilder(describe(t));
        Throwable current = t;
        while (current.getCause() != null && seen.add(current)) {
            current = current.getCause();
            message.append(" (").append(describe(current)).append(')');
        }
        return message.toString();
    }

    private static String describe(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
