package io.integration.registry;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.integration.registry.text.DurationText;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads and writes definition documents (YAML or JSON). Reading checks the document against
 * {@code integration-definition.schema.json} first, so errors name the offending field
 * (e.g. {@code $.methods[0].http.method}) and the expected value. Thread-safe.
 */
public final class DefinitionDocuments {

    private static final String SCHEMA_RESOURCE = "/schemas/integration-definition.schema.json";
    private static final ObjectMapper YAML = configure(new ObjectMapper(new YAMLFactory()));
    private static final ObjectMapper JSON = configure(JsonMappers.create());
    private static final Schema SCHEMA = loadSchema();

    private DefinitionDocuments() {
    }

    /** Parses a YAML or JSON document. */
    public static IntegrationDefinition parse(String text) {
        JsonNode tree;
        try {
            tree = YAML.readTree(text); // YAML is a superset of JSON
        } catch (IOException e) {
            throw new InvalidDefinitionException("definition: not YAML or JSON: " + e.getMessage(), e);
        }
        return fromTree(tree);
    }

    /**
     * Maps an already-parsed document tree.
     *
     * @throws InvalidDefinitionException listing every problem {@link #problems} finds
     */
    public static IntegrationDefinition fromTree(JsonNode tree) {
        Read read = read(tree);
        if (!read.problems().isEmpty() || read.definition() == null) {
            String message = read.problems().stream().map(Problem::toString).collect(Collectors.joining("; "));
            throw new InvalidDefinitionException("definition '" + (tree == null ? "?" : tree.path("name").asText("?")) + "': " + message,
                    read.problems(), null);
        }
        return read.definition();
    }

    /**
     * Reads {@code tree} and reports every problem at once, each with its JSON path: the schema's, then (only when the
     * schema holds) the model's and the resilience settings'.
     */
    public static Read read(JsonNode tree) {
        if (tree == null || !tree.isObject()) {
            return new Read(null, List.of(new Problem("$", "not an object (expected: a mapping with name, version, adapter, methods)")));
        }
        List<Problem> problems = new ArrayList<>(JsonSchemas.problems("$", SCHEMA.validate(tree)));
        IntegrationDefinition definition;
        try {
            definition = JSON.treeToValue(tree, IntegrationDefinition.class);
        } catch (IOException | IllegalArgumentException e) {
            // With schema problems, a failed mapping says nothing new; without, it is the problem.
            if (problems.isEmpty()) {
                Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
                String message = cause instanceof com.fasterxml.jackson.databind.JsonMappingException m ? m.getOriginalMessage() : cause.getMessage();
                problems.add(new Problem("$", message));
            }
            return new Read(null, problems);
        }
        // The document mapped despite schema problems: check the rest too, so that one answer lists everything.
        Set<String> reported = new HashSet<>();
        problems.forEach(p -> reported.add(p.path()));
        DefinitionPolicies.problems(definition).stream().filter(p -> !reported.contains(p.path())).forEach(problems::add);
        return new Read(definition, problems);
    }

    /**
     * What {@link #read} found: the problems, and the definition whenever the document could be mapped at all (its
     * resilience settings may still be among the problems, so that later checks can add theirs).
     */
    public record Read(IntegrationDefinition definition, List<Problem> problems) {
        public Read {
            problems = List.copyOf(problems);
        }
    }

    /** The document as a JSON tree (durations written as {@code 10s}), for storage. */
    public static JsonNode toTree(IntegrationDefinition definition) {
        return JSON.valueToTree(definition);
    }

    private static ObjectMapper configure(ObjectMapper mapper) {
        SimpleModule durations = new SimpleModule("definition-durations");
        durations.addDeserializer(Duration.class, new JsonDeserializer<>() {
            @Override
            public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                return DurationText.parse(p.currentName() == null ? "duration" : p.currentName(), p.getValueAsString());
            }
        });
        durations.addSerializer(Duration.class, new JsonSerializer<>() {
            @Override
            public void serialize(Duration value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(DurationText.format(value));
            }
        });
        return mapper.registerModule(durations)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL);
    }

    private static Schema loadSchema() {
        try (InputStream in = DefinitionDocuments.class.getResourceAsStream(SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(SCHEMA_RESOURCE + " is not on the classpath (it ships in integration-schemas)");
            }
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(JSON.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
