package io.integration.embedded;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * A MongoDB wire-protocol server in this JVM (mongo-java-server, in memory), on loopback. The real
 * MongoDB driver talks to it. It lacks transactions and TTL expiry; the code does not depend on them.
 *
 * <p>{@link #stop()} and {@link #restart()} keep the data and the port, to simulate an outage.
 */
public final class EmbeddedMongo implements AutoCloseable {

    private final RestartableBackend backend = new RestartableBackend();
    private final int port;
    private MongoServer server;

    private EmbeddedMongo(int port) {
        this.port = port;
        bind();
    }

    /** Starts a server on {@code port} (0: any free port). */
    public static EmbeddedMongo start(int port) {
        return new EmbeddedMongo(port == 0 ? Ports.free() : port);
    }

    /** {@code mongodb://127.0.0.1:<port>} */
    public String connectionString() {
        return "mongodb://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Stops answering (connections are refused) while keeping the data. */
    public synchronized void stop() {
        if (server != null) {
            server.shutdownNow();
            server = null;
        }
    }

    /** Answers again on the same port with the same data. */
    public synchronized void restart() {
        if (server == null) {
            bind();
        }
    }

    private synchronized void bind() {
        server = new MongoServer(backend);
        server.bind("127.0.0.1", port);
    }

    @Override
    public void close() {
        backend.released = true;
        stop();
    }

    /** Keeps its data when the server stops (MongoServer closes its backend on shutdown), until released. */
    private static final class RestartableBackend extends MemoryBackend {
        volatile boolean released;

        @Override
        public void close() {
            if (released) {
                super.close();
            }
        }
    }
}
