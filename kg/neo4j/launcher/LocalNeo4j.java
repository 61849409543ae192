// A real Neo4j 5.26 (Community, in-process via neo4j-harness) with a Bolt connector, for
// machines without Docker. Run through kg/neo4j/server.py, which fetches the jars and builds
// the class path; Java 11+ runs this single source file without a compile step.
//
//   NEO4J_PASSWORD=secret java -cp "$HOME/.cache/kg/neo4j/lib/*" kg/neo4j/launcher/LocalNeo4j.java --port 0 --dir /tmp/neo4j-run
//
// The password comes from the environment (never an argument, so `ps` does not show it).
// Prints "bolt://127.0.0.1:PORT" on standard output once the server accepts connections, then
// runs until SIGTERM/SIGINT, or until standard input closes with --exit-on-stdin-eof (so a
// parent that dies, even by SIGKILL, never leaves a server behind). The database lives only
// as long as the process, unless --data DIR is given: then DIR is the server's home (its
// database in DIR/data/databases/neo4j, where neo4j-admin's import writes too) and it lasts
// across restarts; --data needs a fixed --port.

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilder;
import org.neo4j.harness.Neo4jBuilders;

public class LocalNeo4j {

    record Options(String host, int port, Path dir, Path data, String pageCache, boolean exitOnStdinEof) {}

    static Options parse(String[] args) {
        String host = "127.0.0.1";
        int port = 0;
        Path dir = Path.of(".neo4j", "run");
        String pageCache = "256m";
        boolean exitOnStdinEof = false;
        Path data = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host" -> host = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                case "--data" -> data = Path.of(args[++i]);
                case "--page-cache" -> pageCache = args[++i];
                case "--exit-on-stdin-eof" -> exitOnStdinEof = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (use --host H --port P --dir D --data D --page-cache SIZE --exit-on-stdin-eof)");
            }
        }
        if (data != null && port == 0) {
            throw new IllegalArgumentException("--data needs a fixed --port");
        }
        return new Options(host, port, dir, data, pageCache, exitOnStdinEof);
    }

    static Neo4j start(Options options) throws IOException {
        Files.createDirectories(options.dir());
        Neo4jBuilder builder = Neo4jBuilders.newInProcessBuilder(options.dir())
                .withDisabledServer() // no HTTP server: Bolt is all kg and the tests use
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.listen_address, new SocketAddress(options.host(), options.port()))
                .withConfig(GraphDatabaseSettings.auth_enabled, true)
                // LOAD CSV FROM 'file:///…' would read any file the server's user can
                .withConfig(GraphDatabaseSettings.allow_file_urls, false)
                .withConfig(GraphDatabaseSettings.pagecache_memory, org.neo4j.io.ByteUnit.parse(options.pageCache()));
        return builder.build();
    }

    /** A server whose home is options.data(): its database outlives the process. */
    static DatabaseManagementService startLasting(Options options) throws IOException {
        Files.createDirectories(options.data());
        return new DatabaseManagementServiceBuilder(options.data())
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(options.host(), options.port()))
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.allow_file_urls, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, org.neo4j.io.ByteUnit.parse(options.pageCache()))
                .build();
    }

    /** With auth on, the only user starts with a default password that must be changed; set ours. */
    static void setPassword(DatabaseManagementService dbms, String password) {
        try {
            dbms.database("system").executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
        } catch (org.neo4j.graphdb.QueryExecutionException error) {
            // a lasting database (--data) restarted with the password it already has
            if (!String.valueOf(error.getMessage()).contains("cannot be the same")) {
                throw error;
            }
        }
    }

    /** Blocks until standard input reaches end of file (the parent closed it or died). */
    static void awaitStdinEof() {
        InputStream in = System.in;
        try {
            while (in.read() != -1) {
                // discard: input only signals that the parent is alive
            }
        } catch (IOException ignored) {
            // a broken pipe means the parent is gone too
        }
    }

    public static void main(String[] args) throws Exception {
        String password = System.getenv("NEO4J_PASSWORD");
        if (password == null || password.length() < 8) {
            System.err.println("LocalNeo4j: set NEO4J_PASSWORD (at least 8 characters) in the environment");
            System.exit(2);
        }
        Options options = parse(args);
        Runnable close;
        String uri;
        if (options.data() != null) {
            DatabaseManagementService dbms = startLasting(options);
            setPassword(dbms, password);
            close = dbms::shutdown;
            uri = "bolt://" + options.host() + ":" + options.port();
        } else {
            Neo4j neo4j = start(options);
            setPassword(neo4j.databaseManagementService(), password);
            close = neo4j::close;
            uri = neo4j.boltURI().toString();
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            close.run();
            stopped.countDown();
        }, "neo4j-shutdown"));

        System.out.println(uri);
        System.out.flush();
        if (options.exitOnStdinEof()) {
            awaitStdinEof();
            System.exit(0); // runs the shutdown hook
        }
        stopped.await();
    }
}
