package io.segpipe.prep;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class ErrorsTest {

    private static final Exception CHAIN = new RuntimeException("wrapper",
            new UncheckedIOException("middle", new IOException("disk gone")));

    @Test
    void rootCauseIsTheInnermostCause() {
        assertEquals("disk gone", Errors.rootCause(CHAIN).getMessage());
        IllegalStateException alone = new IllegalStateException("alone");
        assertSame(alone, Errors.rootCause(alone));
    }

    @Test
    void rootCauseMessageNamesTheClassAndTheMessage() {
        assertEquals("IOException: disk gone", Errors.rootCauseMessage(CHAIN));
        assertEquals("NullPointerException", Errors.rootCauseMessage(new RuntimeException(new NullPointerException())));
    }

    @Test
    void messageWithCausesListsTheChainOutermostFirst() {
        assertEquals("wrapper (middle) (disk gone)", Errors.messageWithCauses(CHAIN));
        assertEquals("RuntimeException (NullPointerException)",
                Errors.messageWithCauses(new RuntimeException(null, new NullPointerException())));
    }

    @Test
    void cyclicChainsEnd() {
        Exception a = new Exception("a");
        Exception b = new Exception("b", a);
        a.initCause(b);
        assertEquals("a (b) (a)", Errors.messageWithCauses(a));
        assertSame(a, Errors.rootCause(a));
    }
}
