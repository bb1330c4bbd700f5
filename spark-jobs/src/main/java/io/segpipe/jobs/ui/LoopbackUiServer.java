package io.segpipe.jobs.ui;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.LinkedHashSet;
import java.util.Set;

import org.deeplearning4j.ui.VertxUIServer;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/**
 * DL4J's training UI server ({@link VertxUIServer}: its routes, pages and modules unchanged),
 * listening on {@value #HOST} and on the port given here.
 *
 * <p>DL4J 1.0.0-M2.1 calls {@code vertx.createHttpServer()...listen(port, handler)}, which binds
 * every interface, and reads no host setting. The training statistics describe a model and the
 * machine it trains on, and the server answers anyone who can reach it, so this subclass hands the
 * verticle a view of its {@link Vertx} whose HTTP servers turn that call into
 * {@code listen(port, HOST, handler)}. Users reach it from elsewhere by port forwarding.
 */
final class LoopbackUiServer extends VertxUIServer {
    static final String HOST = "127.0.0.1";

    private final int port;

    /** @param port the port to listen on, 0 for any free one */
    LoopbackUiServer(int port) {
        this.port = port;
    }

    /** The port asked for (0: any); {@link #getPort} is the one it listens on. */
    int requestedPort() {
        return port;
    }

    @Override
    public void init(Vertx vertx, Context context) {
        super.init(view(vertx, Vertx.class, this::loopbackServers), context);
    }

    /** For {@link Vertx}: every HTTP server it creates binds to loopback. */
    private Object loopbackServers(Object vertx, Method method, Object[] args) throws Throwable {
        Object result = invoke(vertx, method, args);
        if (result instanceof HttpServer server) {
            return view(server, HttpServer.class, this::listenOnLoopback);
        }
        return result;
    }

    /** For {@link HttpServer}: {@code listen(port, handler)} becomes {@code listen(this.port, HOST, handler)}. */
    @SuppressWarnings("unchecked")
    private Object listenOnLoopback(Object server, Method method, Object[] args) throws Throwable {
        if (method.getName().equals("listen")) {
            if (args.length != 2 || !(args[0] instanceof Integer) || !(args[1] instanceof Handler)) {
                throw new IllegalStateException("DL4J's UI server called HttpServer." + method
                        + ", which segpipe does not bind to loopback; expected listen(int, Handler)");
            }
            return ((HttpServer) server).listen(port, HOST, (Handler) args[1]);
        }
        return invoke(server, method, args);
    }

    /**
     * A proxy of {@code target} with all its interfaces whose calls go to {@code handler}; a fluent
     * call that returns the target itself returns the proxy, so chained calls stay on the view.
     */
    private static <T> T view(T target, Class<T> type, InvocationHandler handler) {
        Set<Class<?>> interfaces = new LinkedHashSet<>();
        interfaces.add(type);
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            interfaces.addAll(Set.of(c.getInterfaces()));
        }
        Object[] self = new Object[1];
        self[0] = Proxy.newProxyInstance(type.getClassLoader(), interfaces.toArray(Class<?>[]::new),
                (proxy, method, args) -> {
                    Object result = handler.invoke(target, method, args == null ? new Object[0] : args);
                    return result == target ? self[0] : result;
                });
        return type.cast(self[0]);
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
