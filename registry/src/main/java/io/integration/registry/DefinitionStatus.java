package io.integration.registry;

/** Lifecycle of a definition version: DRAFT → PUBLISHED → DEPRECATED → RETIRED. */
public enum DefinitionStatus {
    DRAFT, PUBLISHED, DEPRECATED, RETIRED;

    /** Whether instances may execute methods of a definition in this state. */
    public boolean executable() {
        return this == PUBLISHED || this == DEPRECATED;
    }
}
