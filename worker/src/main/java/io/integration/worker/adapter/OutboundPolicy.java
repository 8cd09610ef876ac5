package io.integration.worker.adapter;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Outbound safety, checked before every connection and every redirect hop:
 * <ul>
 *   <li>only {@code http} and {@code https}; no user info in the URL;</li>
 *   <li>the host must be one of the definition's allowed hosts ({@code *.example.com} matches sub-domains);</li>
 *   <li>ports 80 and 443 only, plus {@code allowedPorts};</li>
 *   <li>every address the host resolves to (all A and AAAA records) must be globally reachable by the IANA
 *       special-purpose registries ({@link SpecialAddresses}: loopback, private, link-local and cloud metadata, CGNAT,
 *       multicast, reserved, documentation, IPv4-mapped and NAT64 forms of those...), unless inside an operator's
 *       {@code allowedRanges}; numeric host forms ({@code 127.1}, {@code 2130706433}, {@code 0x7f000001}, {@code 0177.0.0.1})
 *       are read as the addresses they denote;</li>
 *   <li>the addresses checked are pinned ({@link PinningResolverProvider}): the connection goes to one of them, not to
 *       the answer of a second lookup;</li>
 *   <li>{@code hosts}: names the operator maps to addresses they vouch for (like {@code /etc/hosts}), exempt from the
 *       address rules — a partner on a private link.</li>
 * </ul>
 * {@code allowPrivateNetworks} (development, tests, the embedded demo) turns the address and port rules off.
 *
 * @param allowedRanges CIDR blocks a call may reach although the registries say they are special (e.g. {@code 10.1.2.0/24})
 * @param allowedPorts ports allowed besides 80 and 443
 * @param hosts operator-vouched name → address mappings
 */
public record OutboundPolicy(boolean allowPrivateNetworks, List<String> allowedRanges, Set<Integer> allowedPorts, Map<String, String> hosts) {

    private static final Pattern NUMERIC_PART = Pattern.compile("^(0x[0-9a-f]*|[0-9]+)$");
    private static final Pattern CANONICAL_V4 = Pattern.compile(
            "^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])$");

    public OutboundPolicy {
        allowedRanges = allowedRanges == null ? List.of() : List.copyOf(allowedRanges);
        allowedPorts = allowedPorts == null ? Set.of() : Set.copyOf(allowedPorts);
        hosts = hosts == null ? Map.of() : Map.copyOf(hosts);
        allowedRanges.forEach(r -> AddressBlock.parse(r, "allowed", "outbound.allow.ranges", true));
        hosts.forEach((name, address) -> AddressBlock.parse(address, "vouched", "outbound.hosts", true));
        // Pinned at once: the vouched address is the only one the name resolves to for outbound calls.
        hosts.forEach((name, address) -> PinningResolverProvider.vouch(normalize(name), literal(name, address)));
    }

    public OutboundPolicy(boolean allowPrivateNetworks) {
        this(allowPrivateNetworks, List.of(), Set.of(), Map.of());
    }

    /** Whether the JVM resolves names through {@link PinningResolverProvider}, so that calls connect to the addresses checked. */
    public static boolean pinsAddresses() {
        return PinningResolverProvider.installed();
    }

    /**
     * Refuses to run the strict policy without the pinning resolver (the JDK skips resolver providers when
     * {@code jdk.net.hosts.file} is set, say): a check would then not be what the connection uses.
     *
     * @throws IllegalStateException naming the cause
     */
    public void requirePinning() {
        if (!allowPrivateNetworks && !pinsAddresses()) {
            throw new IllegalStateException("the outbound resolver (java.net.spi.InetAddressResolverProvider "
                    + PinningResolverProvider.class.getName() + ") is not in use, so a checked host could connect elsewhere;"
                    + " put the worker's jar on the class path and do not set jdk.net.hosts.file");
        }
    }

    /** The production default: public addresses of allowed hosts, ports 80 and 443 only. */
    public static OutboundPolicy strict() {
        return new OutboundPolicy(false);
    }

    /** A host's pin, held while a call to it is in flight; closing it lets the pin go (it never throws). */
    @FunctionalInterface
    public interface Hold extends AutoCloseable {
        Hold NONE = () -> { };

        @Override
        void close();
    }

    /**
     * Checks {@code target} against {@code allowedHosts} and the rules above, and pins the host to the addresses checked
     * until the returned hold is closed: close it when the exchange is over.
     *
     * @throws AdapterException.DestinationNotAllowed naming the rule (and the address, never a secret)
     * @throws AdapterException.Unreachable when the host does not resolve
     */
    public Hold check(URI target, Set<String> allowedHosts) throws AdapterException.DestinationNotAllowed, AdapterException.Unreachable {
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new AdapterException.DestinationNotAllowed("scheme '" + scheme + "' (expected: http or https)");
        }
        if (target.getRawUserInfo() != null || (target.getRawAuthority() != null && target.getRawAuthority().contains("@"))) {
            throw new AdapterException.DestinationNotAllowed("a URL with user info is never called");
        }
        String rawHost = target.getHost();
        if (rawHost == null && target.getRawAuthority() != null) {
            // A registry-based authority: java.net.URI does not take "0x7f.1" or "2130706433" for a host; browsers and
            // resolvers do, so it is read the same way here (and refused or allowed by the same rules).
            rawHost = target.getRawAuthority().replaceAll(":\\d*$", "");
        }
        if (rawHost == null || rawHost.isEmpty()) {
            throw new AdapterException.DestinationNotAllowed("destination has no host (expected: http(s)://host[:port]/...)");
        }
        String host = normalize(rawHost);
        if (allowedHosts.stream().noneMatch(allowed -> matches(normalize(allowed), host))) {
            throw new AdapterException.DestinationNotAllowed("host '" + rawHost + "' is not in the definition's allowedHosts " + allowedHosts);
        }
        if (allowPrivateNetworks) {
            return Hold.NONE;
        }
        int port = target.getPort() >= 0 ? target.getPort() : scheme.equals("https") ? 443 : 80;
        if (port != 80 && port != 443 && !allowedPorts.contains(port)) {
            throw new AdapterException.DestinationNotAllowed("port " + port + " of host '" + rawHost
                    + "' (expected: 80 or 443; allow others with outbound.allow.ports)");
        }
        if (hosts.containsKey(host)) {
            return Hold.NONE; // vouched: always resolved to the operator's address
        }
        List<InetAddress> addresses = addresses(host, rawHost);
        for (InetAddress address : addresses) {
            checkAddress(rawHost, address);
        }
        return isLiteral(host) ? Hold.NONE : PinningResolverProvider.pin(host, addresses);
    }

    /**
     * Checks an address {@code host} resolved to when a connection is made, by the same address rules as {@link #check}:
     * for an HTTP client that may open a connection after the call that asked for it is over (and its pin released), so
     * that a name rebound in the meantime still cannot reach a refused address.
     *
     * @throws AdapterException.DestinationNotAllowed naming the host, the address and the rule
     */
    public void checkConnection(String host, InetAddress address) throws AdapterException.DestinationNotAllowed {
        if (allowPrivateNetworks || hosts.containsKey(normalize(host))) {
            return;
        }
        checkAddress(host, address);
    }

    private void checkAddress(String rawHost, InetAddress address) throws AdapterException.DestinationNotAllowed {
        Optional<AddressBlock> refusing = SpecialAddresses.iana().refusing(address);
        if (refusing.isPresent() && !allowedByOperator(address)) {
            throw new AdapterException.DestinationNotAllowed("host '" + rawHost + "' resolves to " + address.getHostAddress()
                    + ", in " + refusing.get() + ", which calls may not reach (allow a range with outbound.allow.ranges)");
        }
    }

    private List<InetAddress> addresses(String host, String rawHost) throws AdapterException.DestinationNotAllowed, AdapterException.Unreachable {
        if (isNumericForm(host) && !CANONICAL_V4.matcher(host).matches()) {
            // Parsers disagree on these (inet_aton reads 0127 as octal, the JDK as decimal): never guess which one connects.
            byte[] v4 = inetAton(host);
            String reading = v4 == null ? "no address" : (v4[0] & 0xff) + "." + (v4[1] & 0xff) + "." + (v4[2] & 0xff) + "." + (v4[3] & 0xff);
            throw new AdapterException.DestinationNotAllowed("host '" + rawHost + "' is a numeric address in a non-canonical spelling"
                    + " (inet_aton reads " + reading + "; write an address as four decimal numbers without leading zeros)");
        }
        try {
            return isLiteral(host) ? List.of(InetAddress.getByName(host)) : PinningResolverProvider.resolveFresh(host);
        } catch (UnknownHostException e) {
            throw new AdapterException.Unreachable("host '" + rawHost + "' does not resolve", e);
        }
    }

    /** Operator ranges parsed once (they were checked when the policy was built; a record holds no derived state). */
    private static final java.util.concurrent.ConcurrentMap<String, AddressBlock> PARSED_RANGES = new java.util.concurrent.ConcurrentHashMap<>();

    private boolean allowedByOperator(InetAddress address) {
        byte[] bytes = address.getAddress();
        for (String range : allowedRanges) {
            if (PARSED_RANGES.computeIfAbsent(range, r -> AddressBlock.parse(r, "allowed", "outbound.allow.ranges", true)).contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    private static final java.util.regex.Pattern DOTTED_QUAD = java.util.regex.Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /** Lower case, IPv6 brackets and one trailing dot removed ({@code LOCALHOST.} is {@code localhost}). */
    static String normalize(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.length() >= 2 && h.charAt(0) == '[' && h.charAt(h.length() - 1) == ']') {
            h = h.substring(1, h.length() - 1);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    private static boolean isLiteral(String host) {
        return host.contains(":") || DOTTED_QUAD.matcher(host).matches();
    }

    /** Whether every dot-separated part is a number (decimal, octal with 0, hex with 0x), as inet_aton reads hosts. */
    private static boolean isNumericForm(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length > 4) {
            return false;
        }
        for (String part : parts) {
            if (!NUMERIC_PART.matcher(part).matches()) {
                return false;
            }
        }
        return true;
    }

    /** The IPv4 address inet_aton(3) reads from {@code host} (1 to 4 parts; the last fills the remaining bytes), or null. */
    static byte[] inetAton(String host) {
        String[] parts = host.split("\\.", -1);
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            try {
                values[i] = p.startsWith("0x") ? (p.length() == 2 ? 0 : Long.parseLong(p.substring(2), 16))
                        : p.length() > 1 && p.startsWith("0") ? Long.parseLong(p.substring(1), 8) : Long.parseLong(p);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        long value = 0;
        for (int i = 0; i < values.length - 1; i++) {
            if (values[i] > 255) {
                return null;
            }
            value |= values[i] << (8 * (3 - i));
        }
        long last = values[values.length - 1];
        if (last >= 1L << (8 * (4 - (values.length - 1)))) {
            return null;
        }
        value |= last;
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    private static InetAddress literal(String name, String address) {
        try {
            return InetAddress.getByAddress(normalize(name), InetAddress.getByName(address).getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("outbound.hosts: '" + name + "=" + address + "' (expected: name=IP address)");
        }
    }

    private static boolean matches(String allowed, String host) {
        return allowed.startsWith("*.") ? host.endsWith(allowed.substring(1)) : allowed.equals(host);
    }
}
