package io.integration.worker.adapter;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.Arrays;
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
    /**
     * Checked answers of the hosts with a call in flight, by normalized host name: a pin lives while some call holds it
     * (so it cannot be evicted between a check and its connect) and is dropped when the last one lets go, so no pin
     * freezes a name for the rest of the JVM.
     */
    private static final Map<String, Pin> PINNED = new ConcurrentHashMap<>();
    /** Names the operator vouched for (outbound.hosts): pinned for the life of the process. */
    private static final Map<String, List<InetAddress>> VOUCHED = new ConcurrentHashMap<>();

    private static final class Pin {
        volatile List<InetAddress> addresses;
        int holders;

        Pin(List<InetAddress> addresses) {
            this.addresses = addresses;
        }
    }

    private static final Map<String, List<InetAddress>> SIMULATED = new ConcurrentHashMap<>();

    @Override
    public InetAddressResolver get(Configuration configuration) {
        builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                // The client asks with the URL's spelling ("Api.Example.com."): the same normalization as the check.
                String key = OutboundPolicy.normalize(host);
                Pin pin = PINNED.get(key);
                List<InetAddress> pinned = pin != null ? pin.addresses : VOUCHED.get(key);
                if (pinned == null) {
                    pinned = SIMULATED.get(key);
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
        if (builtin == null) {
            try {
                InetAddress.getAllByName("localhost"); // a name (a literal never reaches a resolver): makes the JVM load it
            } catch (UnknownHostException ignored) {
                // the resolver is loaded either way
            }
        }
        return builtin != null;
    }

    /** Every address of {@code host}, asked of DNS now (never a pinned answer). */
    static List<InetAddress> resolveFresh(String host) throws UnknownHostException {
        List<InetAddress> simulated = SIMULATED.get(OutboundPolicy.normalize(host));
        if (simulated != null) {
            return simulated;
        }
        if (installed()) {
            return builtin.lookupByName(host, InetAddressResolver.LookupPolicy.of(
                    InetAddressResolver.LookupPolicy.IPV4 | InetAddressResolver.LookupPolicy.IPV6)).toList();
        }
        return Arrays.asList(InetAddress.getAllByName(host));
    }

    /** Pins {@code host} to {@code addresses}, which the caller checked, until the returned hold is closed. */
    static OutboundPolicy.Hold pin(String host, List<InetAddress> addresses) {
        List<InetAddress> checked = List.copyOf(addresses);
        PINNED.compute(host, (k, pin) -> {
            Pin p = pin == null ? new Pin(checked) : pin;
            p.addresses = checked; // both answers were checked; the latest serves new connections
            p.holders++;
            return p;
        });
        return () -> PINNED.computeIfPresent(host, (k, pin) -> --pin.holders == 0 ? null : pin);
    }

    /** Pins a name the operator vouched for, for the life of the process. */
    static void vouch(String host, InetAddress address) {
        VOUCHED.put(host, List.of(address));
    }

    /** The number of hosts pinned by calls in flight (a finished call leaves none); for tests and diagnostics. */
    public static int pinnedCount() {
        return PINNED.size();
    }

    /** For tests: DNS answers {@code addresses} for {@code host} (checked like any answer); no addresses removes it. */
    public static void simulate(String host, String... addresses) {
        String key = OutboundPolicy.normalize(host);
        // A pin stays while a call holds it: a changed answer is only seen by the next check, never by a connect.
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
