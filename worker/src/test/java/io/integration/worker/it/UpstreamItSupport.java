package io.integration.worker.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.integration.worker.app.WorkerApp;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;

/** An IT with its own fixture slice, one recording upstream API and one worker, all closed after each test. */
abstract class UpstreamItSupport {

    protected WorkerFixture fixture;
    protected RecordingUpstream upstream;
    protected WorkerApp worker;

    @AfterEach
    void closeAll() {
        if (worker != null) {
            worker.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    /** Sends JSON requests to {@code instanceId}, each given as {@code requestId, method, params}, and waits for their results. */
    protected Map<String, JsonNode> exchange(String instanceId, String... idMethodParams) {
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i + 2 < idMethodParams.length; i += 3) {
            ids.add(idMethodParams[i]);
            fixture.sendJson(instanceId, WorkerFixture.request(idMethodParams[i], instanceId, idMethodParams[i + 1], idMethodParams[i + 2]));
        }
        return fixture.results(ids, Duration.ofSeconds(60));
    }
}
