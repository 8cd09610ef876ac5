package io.integration.worker.adapter;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;

/**
 * Outbound safety: a call may only go to one of the definition's allowed hosts, and, unless the operator
 * allows private networks, never to a loopback, private, link-local (cloud metadata), unique-local,
 * multicast or unspecified address. Adapters check every destination (and every redirect hop).
 *
 * @param allowPrivateNetworks whether private and loopback destinations are allowed (tests, the embedded demo)
 */
public record OutboundPolicy(boolean allowPrivateNetworks) {

    /** The production default: public addresses of allowed hosts only. */
    public static OutboundPolicy strict() {
        return new OutboundPolicy(false);
    }

    /**
     * Checks {@code target} against {@code allowedHosts} and the address rules.
     *
     * @throws AdapterException.DestinationNotAllowed naming the host and the rule
     * @throws AdapterException.Unreachable when the host does not resolve
     */
    public void check(URI target, Set<String> allowedHosts) throws AdapterException.DestinationNotAllowed, AdapterException.Unreachable {
        String host = target.getHost();
        if (host == null) {
            throw new AdapterException.DestinationNotAllowed("destination '" + target + "' has no host");
        }
        // URI keeps the brackets of an IPv6 literal ("[::1]"); allowedHosts and the resolver use the bare address.
        String lower = host.toLowerCase(Locale.ROOT).replaceAll("^\\[(.*)]$", "$1");
        if (allowedHosts.stream().noneMatch(allowed -> matches(allowed.toLowerCase(Locale.ROOT), lower))) {
            throw new AdapterException.DestinationNotAllowed("host '" + host + "' is not in the definition's allowedHosts " + allowedHosts);
        }
        if (allowPrivateNetworks) {
            return;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(lower);
        } catch (UnknownHostException e) {
            throw new AdapterException.Unreachable("host '" + host + "' does not resolve", e);
        }
        for (InetAddress address : addresses) {
            if (forbidden(address)) {
                throw new AdapterException.DestinationNotAllowed("host '" + host + "' resolves to " + address.getHostAddress()
                        + ", a loopback, private or link-local address (allow with outbound.allow.private.networks=true)");
            }
        }
    }

    private static boolean matches(String allowed, String host) {
        return allowed.startsWith("*.") ? host.endsWith(allowed.substring(1)) : allowed.equals(host);
    }

    private static boolean forbidden(InetAddress a) {
        byte[] b = a.getAddress();
        boolean uniqueLocalV6 = b.length == 16 && (b[0] & 0xfe) == 0xfc;
        boolean carrierGradeNat = b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
        return a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress() || uniqueLocalV6 || carrierGradeNat;
    }
}
