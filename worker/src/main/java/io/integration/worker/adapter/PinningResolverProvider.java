package io.integration.worker.adapter;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The JVM's name resolver (installed through {@code META-INF/services}), so that the address an outbound call was checked
 * against is the address it connects to: {@link OutboundPolicy} resolves a host with the built-in resolver, checks every
 * address, and pins the host to them; when the HTTP client then resolves the host to connect, it gets exactly the pinned
 * addresses — a DNS answer that changes in between (rebinding) is never seen. Names nobody pinned (Kafka, MongoDB, ...)
 * are resolved by the built-in resolver as usual.
 *
 * <p>Tests may {@linkplain #simulate simulate} DNS answers for names (e.g. a name with a public A and a loopback AAAA);
 * simulated answers are checked like real ones. Thread-safe.
 */
public final class PinningResolverProvider extends InetAddressResolverProvider {

    private static volatile InetAddressResolver builtin;
    /** Checked answers, by lower-case host name; bounded (least recently pinned dropped first). */
    private static final Map<String, List<InetAddress>> PINNED = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<InetAddress>> eldest) {
            return size() > 10_000;
        }
    });
    private static final Map<String, List<InetAddress>> SIMULATED = new ConcurrentHashMap<>();

    @Override
    public InetAddressResolver get(Configuration configuration) {
        builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                List<InetAddress> pinned = PINNED.get(host.toLowerCase(java.util.Locale.ROOT));
                if (pinned == null) {
                    pinned = SIMULATED.get(host.toLowerCase(java.util.Locale.ROOT));
                }
                if (pinned == null) {
                    return builtin.lookupByName(host, policy);
                }
                return ordered(pinned, policy, host);
            }

            @Override
            public String lookupByAddress(byte[] address) throws UnknownHostException {
                return builtin.lookupByAddress(address);
            }
        };
    }

    @Override
    public String name() {
        return "integration-outbound-pinning";
    }

    /** Whether the JVM uses this resolver (it does when the worker's jar is on the class path at start). */
    static boolean installed() {
        try {
            InetAddress.getByName("127.0.0.1"); // a literal: initialises the resolver without a lookup
        } catch (UnknownHostException ignored) {
            // cannot happen for a literal
        }
        return builtin != null;
    }

    /** Every address of {@code host}, asked of DNS now (never a pinned answer). */
    static List<InetAddress> resolveFresh(String host) throws UnknownHostException {
        List<InetAddress> simulated = SIMULATED.get(host.toLowerCase(java.util.Locale.ROOT));
        if (simulated != null) {
            return simulated;
        }
        if (installed()) {
            return builtin.lookupByName(host, InetAddressResolver.LookupPolicy.of(
                    InetAddressResolver.LookupPolicy.IPV4 | InetAddressResolver.LookupPolicy.IPV6)).toList();
        }
        return Arrays.asList(InetAddress.getAllByName(host));
    }

    /** Pins {@code host} to {@code addresses}, which the caller checked. */
    static void pin(String host, List<InetAddress> addresses) {
        PINNED.put(host, List.copyOf(addresses));
    }

    /** For tests: DNS answers {@code addresses} for {@code host} (checked like any answer); no addresses removes it. */
    public static void simulate(String host, String... addresses) {
        String key = host.toLowerCase(java.util.Locale.ROOT);
        // A pin stays until the next check replaces it: a changed answer is only seen by a check, never by a connect.
        if (addresses.length == 0) {
            SIMULATED.remove(key);
            return;
        }
        SIMULATED.put(key, Arrays.stream(addresses).map(a -> {
            try {
                return InetAddress.getByAddress(key, InetAddress.getByName(a).getAddress());
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("'" + a + "' (expected: an IP address literal)");
            }
        }).toList());
    }

    private static Stream<InetAddress> ordered(List<InetAddress> addresses, InetAddressResolver.LookupPolicy policy, String host)
            throws UnknownHostException {
        int c = policy.characteristics();
        boolean v4 = (c & InetAddressResolver.LookupPolicy.IPV4) != 0;
        boolean v6 = (c & InetAddressResolver.LookupPolicy.IPV6) != 0;
        List<InetAddress> fitting = addresses.stream()
                .filter(a -> a.getAddress().length == 4 ? v4 : v6)
                .sorted((a, b) -> (c & InetAddressResolver.LookupPolicy.IPV6_FIRST) != 0
                        ? Integer.compare(b.getAddress().length, a.getAddress().length)
                        : (c & InetAddressResolver.LookupPolicy.IPV4_FIRST) != 0 ? Integer.compare(a.getAddress().length, b.getAddress().length) : 0)
                .toList();
        if (fitting.isEmpty()) {
            throw new UnknownHostException(host);
        }
        return fitting.stream();
    }
}
