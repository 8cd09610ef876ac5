package io.integration.chaos;

import io.integration.embedded.DevSchemaRegistry;
import io.integration.embedded.EmbeddedMongo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The MongoDB wire server and the schema registry as one process: {@code ServicesMain <mongoPort> <registryPort>}.
 * Reads commands on stdin: {@code mongo-stop} closes MongoDB's port (its data kept), {@code mongo-start} opens it again;
 * {@code registry-stop} and {@code registry-start} do the same for the schema registry (its schemas kept).
 */
public final class ServicesMain {

    private ServicesMain() {
    }

    public static void main(String[] args) throws IOException {
        EmbeddedMongo mongo = EmbeddedMongo.start(Integer.parseInt(args[0]));
        DevSchemaRegistry registry = DevSchemaRegistry.start(Integer.parseInt(args[1]));
        System.out.println("READY services mongo " + mongo.connectionString() + " registry " + registry.url());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            switch (line.strip()) {
                case "mongo-stop" -> mongo.stop();
                case "mongo-start" -> mongo.restart();
                case "registry-stop" -> registry.stop();
                case "registry-start" -> registry.restart();
                default -> System.out.println("unknown command: '" + line + "' (expected: mongo-stop, mongo-start, registry-stop or registry-start)");
            }
            System.out.println("DONE " + line.strip());
        }
        registry.close();
        mongo.close();
    }
}
