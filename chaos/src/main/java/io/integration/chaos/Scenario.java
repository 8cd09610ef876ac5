package io.integration.chaos;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The fault scenarios. Each starts its workers, runs the generator (spread over the load time) while it
 * injects its faults, then lets its oracle account for every request: the {@link Verifier}, or for
 * {@link #HOSTILE} the {@link HostileVerifier}.
 */
enum Scenario {

    /** 3 workers; SIGKILL a random one 5 times at random moments, restarting it each time. */
    KILL {
        @Override
        Verdict run(Cluster cluster, Load load) throws Exception {
            cluster.startWorkers(3);
            Random random = new Random(42);
            try (Load.Running running = load.start(cluster, 1)) {
                for (int fault = 0; fault < 5; fault++) {
                    Thread.sleep(load.spread().toMillis() / 6 + random.nextInt(1000));
                    List<Child> workers = cluster.workers();
                    Child victim = workers.get(random.nextInt(workers.size()));
                    log("SIGKILL " + victim.name());
                    victim.kill();
                    cluster.startWorker();
                }
            }
            return judge(cluster, load, Verifier.Bounds.perFault(5));
        }
    },

    /** 2 workers; SIGTERM one under load: it drains, so nothing is answered twice. */
    DRAIN {
        @Override
        Verdict run(Cluster cluster, Load load) throws Exception {
            Child first = cluster.startWorkers(2).get(0);
            try (Load.Running running = load.start(cluster, 1)) {
                Thread.sleep(load.spread().toMillis() / 2);
                log("SIGTERM " + first.name());
                first.terminate(Duration.ofSeconds(60));
            }
            return judge(cluster, load, Verifier.Bounds.none("a drained worker finishes and commits what it started"));
        }
    },

    /** Scale 1 → 3 → 1 → 3 workers under load. */
    REBALANCE {
        @Override
        Verdict run(Cluster cluster, Load load) throws Exception {
            cluster.startWorker();
            try (Load.Running running = load.start(cluster, 1)) {
                long step = load.spread().toMillis() / 4;
                Thread.sleep(step);
                log("scale to 3");
                cluster.startWorkers(2);
                Thread.sleep(step);
                log("scale to 1");
                List<Child> workers = cluster.workers();
                workers.get(0).terminate(Duration.ofSeconds(60));
                workers.get(1).terminate(Duration.ofSeconds(60));
                Thread.sleep(step);
                log("scale to 3");
                cluster.startWorkers(2);
            }
            return judge(cluster, load, Verifier.Bounds.perFault(4));
        }
    },

    /** 2 workers; SIGSTOP one past its session timeout (10 s), then SIGCONT. */
    PAUSE {
        @Override
        Verdict run(Cluster cluster, Load load) throws Exception {
            Child paused = cluster.startWorkers(2).get(0);
            try (Load.Running running = load.start(cluster, 1)) {
                Thread.sleep(load.spread().toMillis() / 3);
                log("SIGSTOP " + paused.name());
                paused.pause();
                Thread.sleep(15_000);
                log("SIGCONT " + paused.name());
                paused.resume();
            }
            // The fence stops every call after the stall; a call frozen between its ownership check and the wire cannot be
            // taken back. The worker says how many there may be; only those may arrive out of order.
            long exposed = exposedCalls(paused.log());
            return judge(cluster, load, Verifier.Bounds.perFault(1).withLateCalls(exposed,
                    "calls the frozen worker had already handed to its HTTP client, as it reported on SIGCONT"));
        }
    },

    /** 2 workers; SIGKILL the broker under load and start it again 3 s later on the same data. */
    BROKER {
        @Override
        Verdict run(Cluster cluster, Load load) throws Exception {
            cluster.startWorkers(2);
            try (Load.Running running = load.start(cluster, 1)) {
                Thread.sleep(load.spread().toMillis() / 3);
                log("restart the broker");
                cluster.restartBroker(Duration.ofSeconds(3));
            }
            return judge(cluster, load, Verifier.Bounds.perFault(1));
        }
    },

    /** 2 workers; MongoDB unreachable for 30 s under load: consumption waits, nothing goes to the DLT. */
    MONGO {
        @Override
        Verdict run(Cluster cluster, Load load) throws Exception {
            cluster.startWorkers(2);
            try (Load.Running running = load.start(cluster, 1)) {
                Thread.sleep(load.spread().toMillis() / 3);
                log("stop MongoDB for 30 s");
                cluster.stopMongo();
                Thread.sleep(30_000);
                cluster.startMongo();
                log("MongoDB back");
            }
            return judge(cluster, load, Verifier.Bounds.perFault(1));
        }
    },

    /** 2 workers; 1 % of the records undecodable: exactly those in the DLT, everything else answered. */
    POISON {
        @Override
        Verdict run(Cluster cluster, Load load) throws Exception {
            cluster.startWorkers(2);
            try (Load.Running running = load.start(cluster, 1)) {
                running.await();
            }
            return judge(cluster, load, Verifier.Bounds.none("no fault: every request answered once, poison dead-lettered once"));
        }

        @Override
        int poisonPercent() {
            return 1;
        }
    },

    /**
     * 2 workers; every request produced 3 times, then, once all are answered, the group reset to the start:
     * one distinct result per request id and one external call per request.
     */
    DUPLICATES {
        @Override
        Verdict run(Cluster cluster, Load load) throws Exception {
            cluster.startWorkers(2);
            try (Load.Running running = load.start(cluster, 3)) {
                running.await();
            }
            load.awaitAnswered(cluster);
            log("stop the workers, reset the group to the start, start again");
            cluster.workers().forEach(w -> w.terminate(Duration.ofSeconds(60)));
            resetGroup(cluster);
            cluster.startWorkers(2);
            int n = load.plan().requests().size();
            return judge(cluster, load, new Verifier.Bounds(0, 6L * n - n, "idempotent method: no call repeated; up to 3 copies x 2 passes identical results"));
        }
    },

    /**
     * 2 workers; within the ordinary stream, on the same partitions, the requests of {@link Hostile}: a result too
     * large to publish, invalid and forbidden {@code replyTo}s, CR/LF and oversized ids, attributes and params, a
     * day-long {@code Retry-After}, poison while the DLT topic does not exist (created 10 s later; the broker does
     * not auto-create topics) and Avro requests of a schema id no worker has fetched while the registry is down
     * (10 s). Workers block at most 5 s on a missing topic's metadata ({@code max.block.ms}), so a dead letter's
     * send fails during the DLT outage instead of outwaiting it. Judged by the {@link HostileVerifier}.
     */
    HOSTILE {
        @Override
        Verdict run(Cluster cluster, Load load) throws Exception {
            cluster.deleteTopic(Cluster.DLT);
            Hostile hostile = new Hostile(cluster.registryUrl());
            cluster.startWorkers(2, Map.of("WORKER_KAFKA_PRODUCER_MAX_BLOCK_MS", "5000"));
            // Hostile input is the fault here, not a rebalance: start once both workers own their partitions.
            cluster.awaitGroup(2);
            Generator producer = new Generator(cluster.bootstrap());
            Duration outage = Duration.ofSeconds(10);
            try (Load.Running running = load.start(cluster, 1)) {
                long step = load.spread().toMillis() / 8;
                Thread.sleep(step);
                log("hostile requests, the DLT topic missing");
                producer.sendNow(hostile.records(kind -> kind != Hostile.Kind.AVRO_WHILE_REGISTRY_DOWN));
                long dltBack = System.nanoTime() + outage.toNanos();
                Thread.sleep(step);
                log("registry down; Avro requests of a schema id no worker has fetched");
                cluster.stopRegistry();
                producer.sendNow(hostile.records(kind -> kind == Hostile.Kind.AVRO_WHILE_REGISTRY_DOWN));
                long registryBack = System.nanoTime() + outage.toNanos();
                Thread.sleep(Math.max(0, (dltBack - System.nanoTime()) / 1_000_000));
                log("create the DLT topic");
                cluster.createOutputTopic(Cluster.DLT);
                Thread.sleep(Math.max(0, (registryBack - System.nanoTime()) / 1_000_000));
                log("registry back");
                cluster.startRegistry();
            }
            return new HostileVerifier(cluster, load.plan(), hostile).verify();
        }
    };

    /** Runs the scenario (its workers, the load, its faults) and judges what came out. */
    abstract Verdict run(Cluster cluster, Load load) throws Exception;

    /** The standard oracle: every planned request answered, within the scenario's bounds on repeats. */
    static Verdict judge(Cluster cluster, Load load, Verifier.Bounds bounds) throws Exception {
        if (Cluster.mode == Cluster.Mode.SHARE) {
            // The same oracle, except order: a queue promises none (its requests carry no orderingKey), so it is counted, not judged.
            bounds = bounds.withLateCalls(Long.MAX_VALUE, "queue mode keeps no order");
        }
        return new Verifier(cluster.bootstrap(), cluster.stubUrl()).verify(load.plan(), bounds, Duration.ofMinutes(4));
    }

    int poisonPercent() {
        return 0;
    }

    static void resetGroup(Cluster cluster) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap()))) {
            if (Cluster.mode == Cluster.Mode.SHARE) {
                // The share group's start offset back to 0: every request of the queue is delivered again.
                admin.alterShareGroupOffsets(Cluster.SHARE_GROUP, Map.of(new TopicPartition(Cluster.QUEUE, 0), 0L)).all().get();
                return;
            }
            Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
            for (int p = 0; p < Cluster.PARTITIONS; p++) {
                start.put(new TopicPartition(Cluster.REQUESTS, p), new OffsetAndMetadata(0));
            }
            admin.alterConsumerGroupOffsets(Cluster.GROUP, start).all().get();
        }
    }

    private static final java.util.regex.Pattern EXPOSED = java.util.regex.Pattern.compile("(\\d+) call\\(s\\) were already handed");

    /**
     * The calls a stalled worker reported exposed (its fence's warning after it resumed); waits up to 30 s for the
     * warning, which the worker prints on its first poll after SIGCONT. 0 when it never comes.
     */
    static long exposedCalls(java.nio.file.Path workerLog) throws java.io.IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            for (String line : java.nio.file.Files.readAllLines(workerLog)) {
                java.util.regex.Matcher m = EXPOSED.matcher(line);
                if (m.find()) {
                    return Long.parseLong(m.group(1));
                }
            }
            if (System.nanoTime() > deadline) {
                return 0;
            }
            Thread.sleep(200);
        }
    }

    static void log(String what) {
        System.out.printf("  [%tT] %s%n", System.currentTimeMillis(), what);
    }
}
