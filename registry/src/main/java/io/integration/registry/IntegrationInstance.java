package io.integration.registry;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * A definition bound to one tenant's config and credentials.
 *
 * @param tenant who the instance belongs to ({@code default} when not given)
 * @param definitionVersion the version to use: exact ({@code 1.2.0}), a range ({@code ^1.2}) resolved to the highest
 *        published version in it on each use, or null for the highest published version
 * @param credentialId the credential record to authenticate with, or null when the auth type needs none
 */
public record IntegrationInstance(String id, String tenant, String definitionName, String definitionVersion,
                                  Map<String, Object> config, InstanceStatus status, String credentialId) {

    public static final String DEFAULT_TENANT = "default";

    public IntegrationInstance {
        requireNonNull(id, "id");
        requireNonNull(definitionName, "definitionName");
        tenant = tenant == null || tenant.isBlank() ? DEFAULT_TENANT : tenant;
        config = config == null ? Map.of() : Map.copyOf(config);
        status = status == null ? InstanceStatus.CONNECTED : status;
    }

    /** The version range this instance accepts. */
    public VersionRange versionRange() {
        return VersionRange.parse(definitionVersion);
    }

    public IntegrationInstance withStatus(InstanceStatus next) {
        return new IntegrationInstance(id, tenant, definitionName, definitionVersion, config, next, credentialId);
    }

    public IntegrationInstance withConfig(Map<String, Object> next) {
        return new IntegrationInstance(id, tenant, definitionName, definitionVersion, next, status, credentialId);
    }

    /** Instance states of DESIGN.md. */
    public enum InstanceStatus {
        PENDING_AUTH, CONNECTED, AUTH_ERROR, NEEDS_REAUTH, DISABLED
    }
}
