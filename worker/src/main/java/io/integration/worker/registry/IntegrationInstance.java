package io.integration.worker.registry;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * A definition bound to one tenant's config and credentials.
 *
 * @param definitionVersion exact version to use, or null for the latest published one
 * @param credentialId the credential record to authenticate with, or null when the auth type needs none
 */
public record IntegrationInstance(String id, String definitionName, String definitionVersion,
                                  Map<String, Object> config, InstanceStatus status, String credentialId) {

    public IntegrationInstance {
        requireNonNull(id, "id");
        requireNonNull(definitionName, "definitionName");
        config = config == null ? Map.of() : Map.copyOf(config);
        status = status == null ? InstanceStatus.CONNECTED : status;
    }

    /** Instance states of DESIGN.md. */
    public enum InstanceStatus {
        PENDING_AUTH, CONNECTED, AUTH_ERROR, NEEDS_REAUTH, DISABLED
    }
}
