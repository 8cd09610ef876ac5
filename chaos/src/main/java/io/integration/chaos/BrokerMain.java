package io.integration.chaos;

import io.integration.embedded.EmbeddedKafka;
import java.nio.file.Path;

/** The chaos cluster's broker as its own process: {@code BrokerMain <dataDir> <brokerPort> <controllerPort>}; reuses its data on restart. */
public final class BrokerMain {

    private BrokerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        EmbeddedKafka kafka = EmbeddedKafka.start(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close));
        System.out.println("READY broker " + kafka.bootstrapServers());
        Thread.currentThread().join();
    }
}
