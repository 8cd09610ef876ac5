package io.integration.registry.secret;

import java.util.Objects;

/**
 * A credential value (API key, token, password). Its {@link #toString()} is {@code [hidden]} so that it
 * cannot end up in a log line, an exception message or an event by accident; {@link #reveal()} is the
 * one deliberate way to read it, used only where the value goes on the wire.
 *
 * <p>Part of the adapter SPI because {@link AdapterCall.Auth} hands secrets to adapters: an adapter
 * depends on this package and the JDK only, while {@code credentials} produces secrets from stored records.
 */
public final class Secret {

    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    /** The clear value; call only to put it on the wire. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "[hidden]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && java.security.MessageDigest.isEqual(
                value.getBytes(java.nio.charset.StandardCharsets.UTF_8), other.value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
