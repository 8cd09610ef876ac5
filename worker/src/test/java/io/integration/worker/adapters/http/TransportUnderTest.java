package io.integration.worker.adapters.http;

import java.time.Duration;

/**
 * The HTTP client the adapter tests run on: {@code jdk} unless the system property {@code http.client.under.test} names
 * another; the build runs these tests once per client (worker/pom.xml), so both pass the same tests.
 */
final class TransportUnderTest {

    static final String KIND = System.getProperty("http.client.under.test", "jdk");

    private TransportUnderTest() {
    }

    static HttpTransport of(Duration connectTimeout, io.integration.worker.adapter.OutboundPolicy policy) {
        return HttpTransport.of(KIND, connectTimeout, policy);
    }
}
