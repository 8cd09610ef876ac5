package io.integration.worker.adapter;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An address block ({@code 10.0.0.0/8}, {@code fc00::/7}) with what the IANA special-purpose registries say of it.
 *
 * @param globallyReachable the registry's "Globally Reachable" value is True (False and N/A are not)
 */
public record AddressBlock(byte[] network, int prefix, String name, String rfc, boolean globallyReachable) {

    /**
     * Parses {@code cidr} ({@code address/prefix}; a bare address is a single-address block).
     *
     * @throws IllegalArgumentException naming the text and what is expected
     */
    public static AddressBlock parse(String cidr, String name, String rfc, boolean globallyReachable) {
        String text = cidr.trim();
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        if (!address.matches("^[0-9a-fA-F:.]+$")) {
            throw new IllegalArgumentException("'" + cidr + "' (expected: an IPv4 or IPv6 block such as 10.0.0.0/8 or fd00::/8)");
        }
        byte[] network;
        try {
            network = InetAddress.getByName(address).getAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + cidr + "' (expected: an IPv4 or IPv6 block such as 10.0.0.0/8 or fd00::/8)");
        }
        if (address.contains(":") && network.length == 4) {
            // The JDK reads ::ffff:a.b.c.d as the IPv4 address; keep the block IPv6 (::ffff:0:0/96).
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(network, 0, mapped, 12, 4);
            network = mapped;
        }
        int prefix;
        try {
            prefix = slash < 0 ? network.length * 8 : Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + cidr + "': prefix is not a number");
        }
        if (prefix < 0 || prefix > network.length * 8) {
            throw new IllegalArgumentException("'" + cidr + "': prefix " + prefix + " (expected: 0.." + network.length * 8 + ")");
        }
        return new AddressBlock(network, prefix, name, rfc, globallyReachable);
    }

    /** Whether {@code address} (4 or 16 bytes) is in this block. */
    public boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix + " (" + name + ", " + rfc + ")";
        } catch (UnknownHostException e) {
            return name;
        }
    }
}
