package io.integration.registry.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.integration.registry.AuthSpec;
import io.integration.registry.DefinitionDocuments;
import io.integration.registry.AdapterDescriptor;
import io.integration.registry.DefinitionRepository;
import io.integration.registry.DefinitionStatus;
import io.integration.registry.InstanceRepository;
import io.integration.registry.IntegrationDefinition;
import io.integration.registry.IntegrationInstance;
import io.integration.registry.Problem;
import io.integration.registry.VersionRange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The definition lifecycle, DRAFT → PUBLISHED → DEPRECATED → RETIRED, and discovery. A published version never
 * changes (a different document for it is a 409); publishing validates everything and reports every problem at once;
 * retiring a version an instance still resolves to is refused with the list of those instances. Thread-safe as its
 * repositories are; two operators changing the same draft at once: the last write wins.
 */
public final class DefinitionService {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final DefinitionRepository definitions;
    private final InstanceRepository instances;
    private final PublishChecks checks;
    private final List<AdapterDescriptor> adapters;

    /** {@code adapters}: the adapters installed in the workers (what publishing checks against). */
    public DefinitionService(DefinitionRepository definitions, InstanceRepository instances, List<AdapterDescriptor> adapters) {
        this.definitions = definitions;
        this.instances = instances;
        Map<String, AdapterDescriptor> byType = new java.util.TreeMap<>();
        for (AdapterDescriptor adapter : adapters) {
            if (byType.putIfAbsent(adapter.type(), adapter) != null) {
                throw new IllegalArgumentException("adapter type '" + adapter.type() + "' twice: " + byType.get(adapter.type()).origin()
                        + " and " + adapter.origin());
            }
        }
        this.adapters = List.copyOf(byType.values());
        this.checks = new PublishChecks(byType);
    }

    /** The adapters publishing checks against, by type. */
    public List<AdapterDescriptor> adapters() {
        return adapters;
    }

    /**
     * Creates or advances the version {@code text} describes, as {@code cli apply} does: absent → stored in the
     * document's status (PUBLISHED when it names none); a draft → replaced and moved on; the same document →
     * {@link Applied#UNCHANGED} (the lifecycle never moves back, so a published version applied again is unchanged);
     * a different document for a published version → 409.
     */
    public Applied apply(String text) {
        return applyDocument(text).outcome();
    }

    /** What {@link #applyDocument} did, and the version as stored afterwards. */
    public record ApplyResult(Applied outcome, IntegrationDefinition stored) {
    }

    /** {@link #apply}, also giving the version as stored (what an API answer or a seeder needs, without reading it again). */
    public ApplyResult applyDocument(String text) {
        JsonNode tree = parse(text);
        IntegrationDefinition definition = validated(tree);
        DefinitionStatus target = definition.status();
        Optional<IntegrationDefinition> stored = definitions.find(definition.name(), definition.version());
        if (stored.isEmpty()) {
            return new ApplyResult(Applied.CREATED, store(definition));
        }
        IntegrationDefinition current = stored.get();
        boolean sameDocument = sameDocument(current, definition);
        if (!sameDocument && current.status() != DefinitionStatus.DRAFT) {
            throw immutable(current);
        }
        if (sameDocument && target.ordinal() <= current.status().ordinal()) {
            return new ApplyResult(Applied.UNCHANGED, current);
        }
        if (target.ordinal() < current.status().ordinal()) {
            throw invalidTransition(current, target);
        }
        if (target == DefinitionStatus.RETIRED) {
            requireUnused(current);
        }
        return new ApplyResult(Applied.UPDATED, store(definition));
    }

    /** Stores {@code text} as a DRAFT: new, or replacing a draft of the same version; a published version → 409. */
    public IntegrationDefinition createDraft(String text) {
        IntegrationDefinition definition = validated(parse(text)).withStatus(DefinitionStatus.DRAFT);
        definitions.find(definition.name(), definition.version()).ifPresent(current -> {
            if (current.status() != DefinitionStatus.DRAFT) {
                throw immutable(current);
            }
        });
        definitions.save(definition);
        return definition;
    }

    /** DRAFT → PUBLISHED, checking the document again (the installed adapters may have changed since it was drafted). */
    public IntegrationDefinition publish(String name, String version) {
        IntegrationDefinition current = get(name, version);
        if (current.status() == DefinitionStatus.PUBLISHED) {
            return current;
        }
        if (current.status() != DefinitionStatus.DRAFT) {
            throw invalidTransition(current, DefinitionStatus.PUBLISHED);
        }
        validated(DefinitionDocuments.toTree(current));
        return store(current.withStatus(DefinitionStatus.PUBLISHED));
    }

    /** PUBLISHED → DEPRECATED: still executable, no longer picked for new instances by a catalogue user. */
    public IntegrationDefinition deprecate(String name, String version) {
        IntegrationDefinition current = get(name, version);
        if (current.status() == DefinitionStatus.DEPRECATED) {
            return current;
        }
        if (current.status() != DefinitionStatus.PUBLISHED) {
            throw invalidTransition(current, DefinitionStatus.DEPRECATED);
        }
        return store(current.withStatus(DefinitionStatus.DEPRECATED));
    }

    /** → RETIRED: no request executes it again. Refused while an instance resolves to it (409 listing them). */
    public IntegrationDefinition retire(String name, String version) {
        IntegrationDefinition current = get(name, version);
        if (current.status() == DefinitionStatus.RETIRED) {
            return current;
        }
        requireUnused(current);
        return store(current.withStatus(DefinitionStatus.RETIRED));
    }

    private void requireUnused(IntegrationDefinition definition) {
        List<String> users = instancesUsing(definition);
        if (!users.isEmpty()) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("instances", users);
            throw ManagementException.conflict("VERSION_IN_USE", definition.key() + " is used by " + users.size()
                    + " instance(s): " + users + " (move them to another version or disable them first)", details);
        }
    }

    /** The instances whose requests would execute {@code definition} now: pinned to it, or resolving their range to it. */
    public List<String> instancesUsing(IntegrationDefinition definition) {
        List<String> users = new ArrayList<>();
        for (IntegrationInstance instance : instances.all()) {
            if (!instance.definitionName().equals(definition.name()) || instance.status() == IntegrationInstance.InstanceStatus.DISABLED) {
                continue;
            }
            VersionRange range;
            try {
                range = VersionRange.parse(instance.definitionVersion());
            } catch (IllegalArgumentException e) {
                users.add(instance.id()); // cannot tell what it resolves to: counted as a user, so nothing is retired under it
                continue;
            }
            boolean pinned = range.exactVersion().map(definition.version()::equals).orElse(false);
            boolean resolved = range.exactVersion().isEmpty() && definitions.findLatest(definition.name(), range)
                    .map(d -> d.version().equals(definition.version())).orElse(false);
            if (pinned || resolved) {
                users.add(instance.id());
            }
        }
        return users;
    }

    public IntegrationDefinition get(String name, String version) {
        return definitions.find(name, version)
                .orElseThrow(() -> ManagementException.notFound("definition " + IntegrationDefinition.key(name, version) + " not found"));
    }

    /** Every version of {@code name}, lowest first; 404 when there is none. */
    public List<IntegrationDefinition> versions(String name) {
        List<IntegrationDefinition> versions = definitions.versions(name);
        if (versions.isEmpty()) {
            throw ManagementException.notFound("definition '" + name + "' not found");
        }
        return versions;
    }

    /** The highest PUBLISHED or DEPRECATED version of {@code name} in {@code range}. */
    public IntegrationDefinition resolve(String name, String range) {
        VersionRange parsed;
        try {
            parsed = VersionRange.parse(range);
        } catch (IllegalArgumentException e) {
            throw ManagementException.invalid("range", e.getMessage());
        }
        return definitions.findLatest(name, parsed).orElseThrow(() -> ManagementException.notFound(
                "definition '" + name + "' has no published version in '" + parsed + "'"));
    }

    /** Definitions matching {@code query}, one entry per name (its versions inside), by name. */
    public List<DefinitionSummary> search(Query query) {
        Map<String, List<IntegrationDefinition>> byName = new LinkedHashMap<>();
        for (IntegrationDefinition d : definitions.all()) {
            byName.computeIfAbsent(d.name(), k -> new ArrayList<>()).add(d);
        }
        List<DefinitionSummary> found = new ArrayList<>();
        byName.forEach((name, versions) -> {
            DefinitionSummary summary = DefinitionSummary.of(versions);
            if (query.matches(summary)) {
                found.add(summary);
            }
        });
        return found;
    }

    /**
     * Filters for {@link #search}; null fields match everything.
     *
     * @param text part of the name or title, case-insensitive
     */
    public record Query(String text, String tag, String authType, String adapter) {
        public static final Query ALL = new Query(null, null, null, null);

        boolean matches(DefinitionSummary s) {
            return (text == null || (s.name() + " " + Optional.ofNullable(s.title()).orElse("")).toLowerCase(Locale.ROOT)
                    .contains(text.toLowerCase(Locale.ROOT)))
                    && (tag == null || s.tags().contains(tag))
                    && (authType == null || s.authType().equalsIgnoreCase(authType))
                    && (adapter == null || s.adapter().equals(adapter));
        }
    }

    /** A definition as discovery shows it: the latest version's labels and every version's state. */
    public record DefinitionSummary(String name, String title, List<String> tags, String authType, String adapter,
                                    String latestVersion, Map<String, DefinitionStatus> versions) {

        static DefinitionSummary of(List<IntegrationDefinition> versions) {
            IntegrationDefinition latest = versions.getLast();
            Map<String, DefinitionStatus> states = new LinkedHashMap<>();
            versions.forEach(v -> states.put(v.version(), v.status()));
            return new DefinitionSummary(latest.name(), latest.title(), latest.tags(), DefinitionService.authType(latest.auth().type()),
                    latest.adapter().type(), latest.version(), states);
        }
    }

    /** The auth type as definitions write it ({@code oauth2_client_credentials}). */
    public static String authType(AuthSpec.Type type) {
        return type.name().toLowerCase(Locale.ROOT);
    }

    private IntegrationDefinition validated(JsonNode tree) {
        DefinitionDocuments.Read read = DefinitionDocuments.read(tree);
        String name = tree.path("name").asText("?") + "@" + tree.path("version").asText("?");
        List<Problem> problems = new ArrayList<>(read.problems());
        if (read.definition() != null) {
            java.util.Set<String> reported = new java.util.HashSet<>();
            problems.forEach(p -> reported.add(p.path()));
            checks.problems(tree, read.definition()).stream().filter(p -> !reported.contains(p.path())).forEach(problems::add);
        }
        if (!problems.isEmpty()) {
            throw ManagementException.invalid("definition " + name + " has " + problems.size() + " problem(s)", problems);
        }
        return read.definition();
    }

    private IntegrationDefinition store(IntegrationDefinition definition) {
        definitions.save(definition);
        return definition;
    }

    private static boolean sameDocument(IntegrationDefinition a, IntegrationDefinition b) {
        return DefinitionDocuments.toTree(a.withStatus(DefinitionStatus.DRAFT))
                .equals(DefinitionDocuments.toTree(b.withStatus(DefinitionStatus.DRAFT)));
    }

    private static JsonNode parse(String text) {
        try (var parser = YAML.createParser(text == null ? "" : text)) { // YAML is a superset of JSON
            JsonNode tree = YAML.readTree(parser);
            if (tree == null || !tree.isObject()) {
                throw ManagementException.invalid("$", "not a mapping (expected: a definition document with name, version, adapter, methods)");
            }
            if (parser.nextToken() != null) {
                throw ManagementException.invalid("$", "more than one document (expected: one definition per file or request; "
                        + "split the '---' separated documents into files)");
            }
            return tree;
        } catch (IOException e) {
            throw ManagementException.invalid("$", "not YAML or JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    private static ManagementException immutable(IntegrationDefinition current) {
        return ManagementException.conflict("VERSION_IMMUTABLE", current.key() + " is " + current.status()
                + " and cannot change (publish the change as a new version)", Map.of("status", current.status().name()));
    }

    private static ManagementException invalidTransition(IntegrationDefinition current, DefinitionStatus target) {
        return ManagementException.conflict("INVALID_TRANSITION", current.key() + " is " + current.status() + "; it cannot become "
                + target + " (the lifecycle is DRAFT → PUBLISHED → DEPRECATED → RETIRED)",
                Map.of("status", current.status().name(), "requested", target.name()));
    }
}
