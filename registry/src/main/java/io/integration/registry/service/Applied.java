package io.integration.registry.service;

/** What applying a document did: the basis of {@code cli apply}'s "nothing changed" on a second run. */
public enum Applied {
    CREATED, UPDATED, UNCHANGED
}
