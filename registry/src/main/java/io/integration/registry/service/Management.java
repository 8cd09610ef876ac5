package io.integration.registry.service;

import com.mongodb.client.MongoDatabase;
import io.integration.registry.IntegrationDefinition;
import io.integration.registry.IntegrationInstance;
import io.integration.registry.MongoDefinitionRepository;
import io.integration.registry.MongoInstanceRepository;
import io.integration.registry.credentials.Credential;
import io.integration.registry.credentials.MongoCredentialRepository;
import io.integration.registry.credentials.Keyring;
import io.integration.registry.credentials.TinkSecretCodec;
import java.time.Clock;
import java.util.Map;

/**
 * The management service layer on one MongoDB database: what the REST API exposes and what every seeding tool
 * (the embedded stack, the benchmark, the chaos suite, the tests) calls, so that nothing writes registry documents
 * by hand.
 */
public final class Management {

    private final DefinitionService definitions;
    private final InstanceService instances;
    private final CredentialService credentials;
    private final ApiTokens tokens;
    private final AuditLog audit;
    private final KeyRotation keys;

    private Management(DefinitionService definitions, InstanceService instances, CredentialService credentials, ApiTokens tokens,
                       AuditLog audit, KeyRotation keys) {
        this.keys = keys;
        this.definitions = definitions;
        this.instances = instances;
        this.credentials = credentials;
        this.tokens = tokens;
        this.audit = audit;
    }

    /**
     * @param keyring the keys credentials are sealed with (see {@link Keyring#open})
     * @param adapters the adapters the workers have installed, which publishing checks against
     * @param tester runs an instance's test method ({@link InstanceService#test})
     */
    public static Management onMongo(MongoDatabase db, Keyring keyring, java.util.List<io.integration.registry.AdapterDescriptor> adapters, ConnectionTester tester, Clock clock) {
        MongoDefinitionRepository definitionStore = new MongoDefinitionRepository(db);
        MongoInstanceRepository instanceStore = new MongoInstanceRepository(db);
        MongoCredentialRepository credentialStore = new MongoCredentialRepository(db, new TinkSecretCodec(keyring));
        return new Management(new DefinitionService(definitionStore, instanceStore, adapters),
                new InstanceService(instanceStore, definitionStore, credentialStore, tester),
                new CredentialService(credentialStore), new ApiTokens(db, clock), new AuditLog(db, clock),
                new KeyRotation(keyring, credentialStore, clock));
    }

    /**
     * Applies {@code definitionText}, stores {@code credential} (when not null) and creates or updates the instance
     * {@code instance}: the one seeding path of the embedded stack, the benchmark, the chaos suite and the tests.
     */
    public IntegrationInstance seed(String definitionText, Credential credential, InstanceService.Spec instance) {
        IntegrationDefinition definition = definitions.applyDocument(definitionText).stored();
        if (credential != null) {
            // Pinned to the hosts of the definition it is seeded for, as the API requires of every credential.
            credentials.put(credential.hosts().isEmpty() ? credential.pinnedTo(definition.credentialDestinations()) : credential);
        }
        instances.put(instance);
        return instances.get(instance.id());
    }

    public DefinitionService definitions() {
        return definitions;
    }

    public InstanceService instances() {
        return instances;
    }

    public CredentialService credentials() {
        return credentials;
    }

    public ApiTokens tokens() {
        return tokens;
    }

    public AuditLog audit() {
        return audit;
    }

    public KeyRotation keys() {
        return keys;
    }
}
