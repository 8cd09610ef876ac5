package io.integration.worker.adapter;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The IANA IPv4 and IPv6 special-purpose address registries (resources {@code outbound/iana-ipv*-special-registry.csv},
 * with multicast added) and the one question asked of them: is this address one a call must not reach? An address is
 * refused when the most specific block containing it is not globally reachable, or when it embeds an IPv4 address
 * (IPv4-mapped, NAT64, 6to4) that is refused. Immutable.
 */
public final class SpecialAddresses {

    private static final SpecialAddresses IANA = new SpecialAddresses(load("outbound/iana-ipv4-special-registry.csv"),
            load("outbound/iana-ipv6-special-registry.csv"));
    private static final AddressBlock MAPPED = AddressBlock.parse("::ffff:0:0/96", "IPv4-mapped", "RFC 4291", false);
    private static final AddressBlock NAT64 = AddressBlock.parse("64:ff9b::/96", "NAT64", "RFC 6052", true);
    private static final AddressBlock NAT64_LOCAL = AddressBlock.parse("64:ff9b:1::/48", "NAT64 local", "RFC 8215", false);
    private static final AddressBlock SIX_TO_FOUR = AddressBlock.parse("2002::/16", "6to4", "RFC 3056", false);
    private static final AddressBlock COMPATIBLE = AddressBlock.parse("::/96", "IPv4-compatible (deprecated)", "RFC 4291", false);
    /** Global unicast: IANA has allocated nothing for the Internet outside it; anything else is special or unassigned. */
    private static final AddressBlock GLOBAL_UNICAST = AddressBlock.parse("2000::/3", "Global Unicast", "RFC 4291", true);

    private final List<AddressBlock> v4;
    private final List<AddressBlock> v6;

    private SpecialAddresses(List<AddressBlock> v4, List<AddressBlock> v6) {
        this.v4 = v4;
        this.v6 = v6;
    }

    public static SpecialAddresses iana() {
        return IANA;
    }

    /** The block that refuses {@code address}, or empty when a call may reach it. */
    public Optional<AddressBlock> refusing(InetAddress address) {
        return refusing(address.getAddress());
    }

    Optional<AddressBlock> refusing(byte[] bytes) {
        if (bytes.length == 16) {
            byte[] embedded = embeddedIpv4(bytes);
            if (embedded != null) {
                Optional<AddressBlock> inner = refusing(embedded);
                if (inner.isPresent()) {
                    return inner;
                }
            }
        }
        AddressBlock best = null;
        for (AddressBlock block : bytes.length == 4 ? v4 : v6) {
            if (block.contains(bytes) && (best == null || block.prefix() > best.prefix())) {
                best = block;
            }
        }
        if (best == null && bytes.length == 16 && !GLOBAL_UNICAST.contains(bytes)) {
            return Optional.of(COMPATIBLE.contains(bytes) ? COMPATIBLE
                    : new AddressBlock(new byte[16], 0, "outside Global Unicast 2000::/3 (unassigned)", "RFC 4291", false));
        }
        return best == null || best.globallyReachable() ? Optional.empty() : Optional.of(best);
    }

    /** The IPv4 address an IPv6 address carries (IPv4-mapped, NAT64, 6to4), or null. */
    private static byte[] embeddedIpv4(byte[] v6) {
        byte[] v4 = new byte[4];
        if (MAPPED.contains(v6) || NAT64.contains(v6) || NAT64_LOCAL.contains(v6) || COMPATIBLE.contains(v6)) {
            System.arraycopy(v6, 12, v4, 0, 4);
            return v4;
        }
        if (SIX_TO_FOUR.contains(v6)) {
            System.arraycopy(v6, 2, v4, 0, 4);
            return v4;
        }
        return null;
    }

    private static List<AddressBlock> load(String resource) {
        List<AddressBlock> blocks = new ArrayList<>();
        try (InputStream in = SpecialAddresses.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " is missing from the worker");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] cells = line.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)");
                if (cells.length != 4) {
                    throw new IllegalStateException(resource + ": '" + line + "' (expected: prefix,name,rfc,globally_reachable)");
                }
                blocks.add(AddressBlock.parse(cells[0], cells[1].replace("\"", ""), cells[2], cells[3].trim().equals("True")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(blocks);
    }
}
