package io.integration.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The driver's handle on the stub API's JVM ({@link StubApi}): starts it, steers it, reads its counters, measures its CPU. */
final class StubClient implements AutoCloseable {

    /**
     * The stub's counters since its last reset.
     *
     * @param answered calls answered with success
     * @param failed calls answered 503 on purpose (the workload's faults)
     * @param duplicateCalls successful calls beyond the first of a request
     * @param reordered per-key order violations
     */
    record Stats(long answered, long failed, long duplicateCalls, long reordered) {
    }

    private final ArmProcess process;
    private final String url;
    private final HttpClient http = HttpClient.newHttpClient();

    private StubClient(ArmProcess process, String url) {
        this.process = process;
        this.url = url;
    }

    static StubClient start() throws InterruptedException {
        ArmProcess process = ArmProcess.start("stub", null, StubApi.class.getName(), List.of(), Map.of(), "STUB ", false);
        if (!process.awaitReady(Duration.ofSeconds(30))) {
            throw new IllegalStateException("the stub API did not start\n" + process.lastOutput());
        }
        return new StubClient(process, process.readyLine().substring(process.readyLine().indexOf("STUB ") + 5).strip());
    }

    String url() {
        return url;
    }

    /** Sets the answer delay, faults and response size for the next run and zeroes the counters. */
    void reset(Workload workload) {
        get("reset?delayMs=" + workload.delayMs() + "&failOncePercent=" + workload.failOncePercent() + "&responseBytes=" + workload.responseBytes());
    }

    /** Answers every call with 503 from {@code in} from now, for {@code length}. */
    void scheduleOutage(Duration in, Duration length) {
        get("outage?inMs=" + in.toMillis() + "&lengthMs=" + length.toMillis());
    }

    Stats stats() {
        String[] f = get("stats").split(" ");
        return new Stats(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]));
    }

    Duration cpu() {
        return process.cpu();
    }

    private String get(String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/control/" + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("stub /control/" + path + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException("stub /control/" + path + " failed: " + e + "\n" + process.lastOutput(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
