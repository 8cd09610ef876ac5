package io.integration.registry.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.integration.registry.AuthSpec;
import io.integration.registry.DefinitionRepository;
import io.integration.registry.InstanceRepository;
import io.integration.registry.IntegrationDefinition;
import io.integration.registry.IntegrationInstance;
import io.integration.registry.IntegrationInstance.InstanceStatus;
import io.integration.registry.JsonSchemas;
import io.integration.registry.Problem;
import io.integration.registry.VersionRange;
import io.integration.registry.credentials.Credential;
import io.integration.registry.credentials.CredentialRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Instances: a definition (an exact version or a range) bound to a tenant's config and credential. Creating one checks
 * every field at once: the definition has a published version in the range, the config satisfies the definition's
 * {@code instanceConfigSchema}, the credential exists. The status follows from the binding: {@code CONNECTED} when
 * the auth type needs no credential or one is bound, else {@code PENDING_AUTH}; {@code DISABLED} stops every request.
 */
public final class InstanceService {

    private static final Pattern ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$");
    private static final ObjectMapper JSON = io.integration.registry.JsonMappers.create();

    private final InstanceRepository instances;
    private final DefinitionRepository definitions;
    private final CredentialRepository credentials;
    private final ConnectionTester tester;

    public InstanceService(InstanceRepository instances, DefinitionRepository definitions, CredentialRepository credentials,
                           ConnectionTester tester) {
        this.instances = instances;
        this.definitions = definitions;
        this.credentials = credentials;
        this.tester = tester;
    }

    /**
     * What an operator asks for.
     *
     * @param definitionVersion exact version, range ({@code ^1.2}) or null for the highest published version
     */
    public record Spec(String id, String tenant, String definition, String definitionVersion, Map<String, Object> config,
                       String credentialId) {
        public Spec {
            config = config == null ? Map.of() : config;
        }
    }

    /** Creates the instance; 409 when the id is taken. */
    public IntegrationInstance create(Spec spec) {
        IntegrationInstance instance = checked(spec);
        if (!instances.insert(instance)) {
            throw ManagementException.conflict("ALREADY_EXISTS", "instance '" + spec.id() + "' already exists", Map.of());
        }
        return instance;
    }

    /**
     * Creates the instance or brings an existing one to {@code spec} (seeding, {@code PUT /instances/{id}}, rebinding an
     * instance whose version was retired). A disabled instance stays disabled; an instance in {@code AUTH_ERROR} or
     * {@code NEEDS_REAUTH} keeps that status while its credential stays the same (only a successful test or a new
     * credential lifts it).
     */
    public Applied put(Spec spec) {
        IntegrationInstance wanted = checked(spec);
        Optional<IntegrationInstance> current = instances.find(spec.id());
        if (current.isPresent()) {
            InstanceStatus status = current.get().status();
            boolean sameCredential = java.util.Objects.equals(current.get().credentialId(), wanted.credentialId());
            if (status == InstanceStatus.DISABLED
                    || (sameCredential && (status == InstanceStatus.AUTH_ERROR || status == InstanceStatus.NEEDS_REAUTH))) {
                wanted = wanted.withStatus(status);
            }
        }
        if (current.isPresent() && same(current.get(), wanted)) {
            return Applied.UNCHANGED;
        }
        instances.save(wanted);
        return current.isPresent() ? Applied.UPDATED : Applied.CREATED;
    }

    public IntegrationInstance get(String id) {
        return instances.find(id).orElseThrow(() -> ManagementException.notFound("instance '" + id + "' not found"));
    }

    /** When the instance last executed a request (written by workers every few seconds), if ever. */
    public Optional<Instant> lastUsed(String id) {
        return instances.lastUsed(id);
    }

    /** Instances matching the filters (null matches everything), by id. */
    public List<IntegrationInstance> list(String tenant, String definition, InstanceStatus status) {
        return instances.all().stream()
                .filter(i -> tenant == null || i.tenant().equals(tenant))
                .filter(i -> definition == null || i.definitionName().equals(definition))
                .filter(i -> status == null || i.status() == status)
                .toList();
    }

    /** Replaces the config (only the config: a status changed meanwhile stays), checked against the config schema. */
    public IntegrationInstance updateConfig(String id, Map<String, Object> config) {
        IntegrationInstance current = get(id);
        IntegrationDefinition definition = resolve(current.definitionName(), current.definitionVersion(), null);
        List<Problem> problems = new ArrayList<>(configProblems(definition, config));
        storable("$.config", config, problems);
        if (!problems.isEmpty()) {
            throw ManagementException.invalid("config of instance '" + id + "' has " + problems.size() + " problem(s)", problems);
        }
        instances.saveConfig(id, config);
        return get(id);
    }

    /** Stops every request of the instance (they fail, nothing is called) until it is enabled again. */
    public IntegrationInstance disable(String id) {
        for (int attempt = 0; attempt < 10; attempt++) {
            IntegrationInstance current = get(id);
            if (current.status() == InstanceStatus.DISABLED
                    || instances.compareAndSetStatus(id, current.status(), InstanceStatus.DISABLED)) {
                return get(id);
            }
        }
        throw ManagementException.conflict("CONCURRENT_CHANGE", "instance '" + id + "' kept changing; try again", Map.of());
    }

    /**
     * Undoes {@link #disable}: the status follows from the binding again ({@code CONNECTED} or {@code PENDING_AUTH};
     * run a test to learn whether the credential still works).
     */
    public IntegrationInstance enable(String id) {
        IntegrationInstance current = get(id);
        if (current.status() != InstanceStatus.DISABLED) {
            return current;
        }
        IntegrationDefinition definition = resolve(current.definitionName(), current.definitionVersion(), null);
        instances.compareAndSetStatus(id, InstanceStatus.DISABLED, bound(definition, current.credentialId()));
        return get(id);
    }

    /**
     * Runs the definition's {@code testMethod} against the external system and reports the outcome. A success lifts
     * {@code AUTH_ERROR}; an authentication failure sets it (a test is how an operator learns the key was revoked).
     */
    /** The definition version instance {@code id} uses now (404 when the instance does not exist, 409 when none is usable). */
    public IntegrationDefinition definitionOf(String id) {
        IntegrationInstance instance = get(id);
        return resolve(instance.definitionName(), instance.definitionVersion(), null);
    }

    public ConnectionTester.TestOutcome test(String id) {
        IntegrationInstance instance = get(id);
        if (instance.status() == InstanceStatus.DISABLED) {
            throw ManagementException.conflict("INSTANCE_DISABLED", "instance '" + id + "' is DISABLED (enable it first)", Map.of());
        }
        IntegrationDefinition definition = resolve(instance.definitionName(), instance.definitionVersion(), null);
        if (definition.testMethod() == null) {
            throw ManagementException.conflict("NO_TEST_METHOD", "definition " + definition.key()
                    + " names no testMethod (add one to a new version)", Map.of());
        }
        ConnectionTester.TestOutcome outcome = tester.test(id, definition.testMethod());
        InstanceStatus next = outcome.ok() && instance.status() == InstanceStatus.AUTH_ERROR ? InstanceStatus.CONNECTED
                : "AUTH_FAILED".equals(outcome.errorCode()) && instance.status() == InstanceStatus.CONNECTED ? InstanceStatus.AUTH_ERROR
                : instance.status();
        if (next != instance.status()) {
            // Only from the status the test started with: an operator's disable during the test wins.
            instances.compareAndSetStatus(id, instance.status(), next);
        }
        return outcome;
    }

    private IntegrationInstance checked(Spec spec) {
        List<Problem> problems = new ArrayList<>();
        if (spec.id() == null || !ID.matcher(spec.id()).matches()) {
            problems.add(new Problem("$.id", "'" + spec.id() + "' (expected: 1-128 of letters, digits, '.', '_', '-', starting with a letter or digit)"));
        }
        IntegrationDefinition definition = null;
        if (spec.definition() == null || spec.definition().isBlank()) {
            problems.add(new Problem("$.definition", "missing (expected: the name of a published definition)"));
        } else {
            definition = resolve(spec.definition(), spec.definitionVersion(), problems);
        }
        if (definition != null) {
            problems.addAll(configProblems(definition, spec.config()));
        }
        storable("$.config", spec.config(), problems);
        if (spec.credentialId() != null) {
            Optional<Credential> credential = credentials.find(spec.credentialId());
            if (credential.isEmpty()) {
                problems.add(new Problem("$.credentialId", "'" + spec.credentialId() + "' not found (expected: the id of a stored credential)"));
            } else if (definition != null && !fits(definition.auth().type(), credential.get())) {
                problems.add(new Problem("$.credentialId", "'" + spec.credentialId() + "' is a " + kind(credential.get())
                        + " credential; definition " + definition.key() + " authenticates with " + definition.auth().type().name().toLowerCase()));
            } else if (definition != null && !credential.get().allows(definition.credentialDestinations())) {
                problems.add(new Problem("$.credentialId", "'" + spec.credentialId() + "' may be sent to " + new java.util.TreeSet<>(credential.get().hosts())
                        + " only; definition " + definition.key() + " sends it to " + new java.util.TreeSet<>(definition.credentialDestinations())));
            }
        }
        if (!problems.isEmpty()) {
            throw ManagementException.invalid("instance '" + spec.id() + "' has " + problems.size() + " problem(s)", problems);
        }
        return new IntegrationInstance(spec.id(), spec.tenant(), spec.definition(), spec.definitionVersion(), spec.config(),
                bound(definition, spec.credentialId()), spec.credentialId());
    }

    /**
     * The version instances of {@code name} in {@code range} use now. Within a check ({@code problems} given) a miss
     * adds a problem; outside one ({@code problems} null) it is a 404.
     */
    private IntegrationDefinition resolve(String name, String range, List<Problem> problems) {
        VersionRange parsed;
        try {
            parsed = VersionRange.parse(range);
        } catch (IllegalArgumentException e) {
            if (problems == null) {
                throw ManagementException.invalid("$.definitionVersion", e.getMessage());
            }
            problems.add(new Problem("$.definitionVersion", e.getMessage()));
            return null;
        }
        Optional<IntegrationDefinition> found = parsed.exactVersion().isPresent()
                ? definitions.find(name, parsed.exactVersion().get()).filter(d -> d.status().executable())
                : definitions.findLatest(name, parsed);
        if (found.isEmpty()) {
            String message = "'" + name + "' has no PUBLISHED or DEPRECATED version in '" + parsed + "'";
            if (problems == null) {
                // The instance exists; what it is bound to does not (retired): a state to fix, not a missing resource.
                throw ManagementException.conflict("DEFINITION_UNAVAILABLE", "definition " + message
                        + " (bind the instance to another version: PUT /instances/{id})", Map.of());
            }
            problems.add(new Problem(parsed == VersionRange.ANY ? "$.definition" : "$.definitionVersion", message));
            return null;
        }
        return found.get();
    }

    /** Whether stored and wanted are the same binding (configs compared as JSON: MongoDB reads nested maps back as its own type). */
    private static boolean same(IntegrationInstance stored, IntegrationInstance wanted) {
        return JSON.valueToTree(stored.config()).equals(JSON.valueToTree(wanted.config()))
                && stored.withConfig(Map.of()).equals(wanted.withConfig(Map.of()));
    }

    /** Adds a problem for every value BSON cannot hold as given (integers beyond 64 bits, exotic numbers). */
    private static void storable(String path, Object value, List<Problem> problems) {
        switch (value) {
            case null -> { }
            case Map<?, ?> map -> map.forEach((k, v) -> storable(path + "." + k, v, problems));
            case List<?> list -> {
                for (int i = 0; i < list.size(); i++) {
                    storable(path + "[" + i + "]", list.get(i), problems);
                }
            }
            case java.math.BigInteger big -> problems.add(new Problem(path, big + " (expected: an integer within 64 bits)"));
            case java.math.BigDecimal dec -> problems.add(new Problem(path, dec + " (expected: a number a double can hold)"));
            default -> { }
        }
    }

    private static List<Problem> configProblems(IntegrationDefinition definition, Map<String, Object> config) {
        if (definition == null || definition.instanceConfigSchema() == null) {
            return List.of();
        }
        JsonNode tree = JSON.valueToTree(config);
        return JsonSchemas.validate("$.config", definition.instanceConfigSchema(), tree);
    }

    /** Whether {@code credential} is what calls with auth type {@code type} send (OAuth2 types send a bearer token). */
    private static boolean fits(AuthSpec.Type type, Credential credential) {
        return switch (type) {
            case NONE -> true;
            case API_KEY, WEBHOOK_SIGNATURE -> credential instanceof Credential.ApiKey;
            case BASIC -> credential instanceof Credential.Basic;
            case BEARER -> credential instanceof Credential.Bearer;
            // A stored bearer token (e.g. a provider's personal or private-app token) works where OAuth2 would give one.
            case OAUTH2 -> credential instanceof Credential.OAuth2 || credential instanceof Credential.Bearer;
            case OAUTH2_CLIENT_CREDENTIALS -> credential instanceof Credential.ClientCredentials || credential instanceof Credential.Bearer;
        };
    }

    private static String kind(Credential credential) {
        return Credential.typeName(credential);
    }

    /**
     * The status of a newly bound instance: CONNECTED when it can make calls; PENDING_AUTH when it has no credential or
     * an OAuth2 credential not yet connected; NEEDS_REAUTH when the credential's refresh token was refused.
     */
    private InstanceStatus bound(IntegrationDefinition definition, String credentialId) {
        if (definition.auth().type() == AuthSpec.Type.NONE) {
            return InstanceStatus.CONNECTED;
        }
        if (credentialId == null) {
            return InstanceStatus.PENDING_AUTH;
        }
        return credentials.find(credentialId).map(c -> c instanceof Credential.OAuth2 o
                ? o.needsReauth() ? InstanceStatus.NEEDS_REAUTH : o.tokens() == null ? InstanceStatus.PENDING_AUTH : InstanceStatus.CONNECTED
                : InstanceStatus.CONNECTED).orElse(InstanceStatus.PENDING_AUTH);
    }
}
