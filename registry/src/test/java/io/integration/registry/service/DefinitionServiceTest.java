package io.integration.registry.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.mongodb.client.MongoDatabase;
import io.integration.registry.DefinitionStatus;
import io.integration.registry.MongoDefinitionRepository;
import io.integration.registry.MongoInstanceRepository;
import io.integration.registry.Problem;
import io.integration.registry.VersionRange;
import io.integration.registry.credentials.Credential;
import io.integration.registry.credentials.Keyring;
import io.integration.registry.credentials.MasterKey;
import io.integration.registry.TestMongo;
import io.integration.registry.secret.Secret;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The definition lifecycle and instance binding on a MongoDB wire server. */
class DefinitionServiceTest {

    private MongoDatabase db;
    private Management management;

    @BeforeEach
    void freshDatabase() {
        db = TestMongo.freshDatabase("svc");
        Keyring keyring = Keyring.open(db, MasterKey.load("key", MasterKey.generate(), "file", null));
        management = Management.onMongo(db, keyring, java.util.List.of(io.integration.registry.AdapterDescriptor.of("http", "1.4.0")), (id, method) -> {
            throw new AssertionError("no connection test here");
        }, Clock.systemUTC());
    }

    private static String definition(String version, String status, String title) {
        return """
                name: crm
                version: %s
                %s
                title: %s
                adapter: { type: http, version: "^1.2" }
                baseUrl: https://api.example.com
                methods:
                  - name: get
                    http: { method: GET, path: /x }
                """.formatted(version, status == null ? "" : "status: " + status, title);
    }

    @Test
    void applyCreatesThenChangesNothingThenRefusesAChangedPublishedVersion() {
        DefinitionService definitions = management.definitions();

        assertThat(definitions.apply(definition("1.0.0", null, "CRM"))).isEqualTo(Applied.CREATED);
        assertThat(definitions.apply(definition("1.0.0", null, "CRM"))).isEqualTo(Applied.UNCHANGED);
        assertThat(definitions.apply(definition("1.0.0", "DRAFT", "CRM"))).as("the lifecycle never moves back").isEqualTo(Applied.UNCHANGED);
        assertThatThrownBy(() -> definitions.apply(definition("1.0.0", null, "CRM v2")))
                .isInstanceOfSatisfying(ManagementException.class, e -> assertThat(e.code()).isEqualTo("VERSION_IMMUTABLE"));
        assertThat(definitions.get("crm", "1.0.0").title()).isEqualTo("CRM");
    }

    @Test
    void aDraftMayChangeUntilItIsPublishedAndOnlyExecutableVersionsResolve() {
        DefinitionService definitions = management.definitions();
        definitions.apply(definition("1.0.0", null, "one"));
        assertThat(definitions.apply(definition("1.1.0", "DRAFT", "draft"))).isEqualTo(Applied.CREATED);
        assertThat(definitions.apply(definition("1.1.0", "DRAFT", "draft, edited"))).isEqualTo(Applied.UPDATED);

        assertThat(definitions.resolve("crm", "^1").version()).as("a draft is never picked up").isEqualTo("1.0.0");
        assertThat(definitions.apply(definition("1.1.0", null, "draft, edited"))).isEqualTo(Applied.UPDATED);
        assertThat(definitions.resolve("crm", "^1").version()).isEqualTo("1.1.0");

        definitions.deprecate("crm", "1.1.0");
        assertThat(definitions.resolve("crm", "^1").version()).as("deprecated still executes").isEqualTo("1.1.0");
        assertThatThrownBy(() -> definitions.publish("crm", "1.1.0"))
                .isInstanceOfSatisfying(ManagementException.class, e -> assertThat(e.code()).isEqualTo("INVALID_TRANSITION"));
        definitions.retire("crm", "1.1.0");
        assertThat(definitions.resolve("crm", "^1").version()).isEqualTo("1.0.0");
        assertThat(new MongoDefinitionRepository(db).findLatest("crm", VersionRange.parse("~1.1"))).isEmpty();
    }

    @Test
    void publishingChecksTheInstalledAdapterVersionAndReportsEveryProblem() {
        String wrongAdapter = definition("1.0.0", null, "x").replace("version: \"^1.2\"", "version: \"^2\"")
                .replace("methods:", "testMethod: nope\nmethods:");

        assertThatThrownBy(() -> management.definitions().apply(wrongAdapter))
                .isInstanceOfSatisfying(ManagementException.class, e -> assertThat(e.problems()).extracting(Problem::path)
                        .containsExactlyInAnyOrder("$.adapter.version", "$.testMethod"));
    }

    @Test
    void aCacheIsOnlyForSafeReadsAndEveryFallbackHasWhatItNeeds() {
        String good = definition("1.0.0", null, "x").replace("    http: { method: GET, path: /x }\n",
                "    http: { method: GET, path: /x }\n    idempotent: true\n    cache: { ttl: 30s, maxStale: 10m }\n"
                        + "    fallback: [stale, static, fail]\n    fallbackValue: { items: [] }\n");
        assertThat(management.definitions().apply(good)).isEqualTo(Applied.CREATED);
        assertThat(management.definitions().get("crm", "1.0.0").methods().get(0).cache().maxStale()).isEqualTo(java.time.Duration.ofMinutes(10));
        assertThat(management.definitions().get("crm", "1.0.0").methods().get(0).fallback()).containsExactly("stale", "static", "fail");

        String bad = """
                name: crm
                version: 1.0.1
                adapter: { type: http }
                baseUrl: https://api.example.com
                methods:
                  - name: create
                    http: { method: POST, path: /x }
                    idempotent: true
                    cache: { ttl: 30s }
                  - name: get
                    http: { method: GET, path: /x }
                    cache: { ttl: 30s }
                    fallback: [stale, fail, static]
                  - name: list
                    http: { method: GET, path: /x }
                    fallbackValue: []
                """;
        assertThatThrownBy(() -> management.definitions().apply(bad))
                .isInstanceOfSatisfying(ManagementException.class, e -> assertThat(e.problems()).extracting(Problem::path, Problem::message)
                        .containsExactlyInAnyOrder(
                                tuple("$.methods[0].cache", "only safe, idempotent reads are cached: http POST is not a read (expected: GET or HEAD)"),
                                tuple("$.methods[1].cache", "only safe, idempotent reads are cached: the method is not idempotent (idempotent: true)"),
                                tuple("$.methods[1].fallback", "'stale' needs cache.maxStale (how old a cached answer may be served)"),
                                tuple("$.methods[1].fallback", "'static' needs fallbackValue (the answer to serve)"),
                                tuple("$.methods[1].fallback", "'fail' is followed by [static], which would never answer (expected: fail last)"),
                                tuple("$.methods[2].fallbackValue", "set, but the fallback list has no 'static' (expected: both or neither)")));
    }

    @Test
    void aGraphqlDocumentWithAMutationAnywhereIsNoRead() {
        assertThat(PublishChecks.writes("query { user { id } }")).isFalse();
        assertThat(PublishChecks.writes("query Q($m: String = \"mutation\") { user(note: \"a mutation here\") { mutationCount } } # mutation")).isFalse();
        assertThat(PublishChecks.writes("mutation { add }")).isTrue();
        assertThat(PublishChecks.writes("# note\nmutation { add }")).isTrue();
        assertThat(PublishChecks.writes("fragment F on X { id } mutation M { add { ...F } }")).isTrue();
        assertThat(PublishChecks.writes("query A { a } mutation B { b }")).isTrue();
        assertThat(PublishChecks.writes("subscription { events }")).isTrue();
    }

    @Test
    void anAdaptersConfigAndBindingAreCheckedAgainstTheSchemasItDeclares() {
        MongoDatabase pluginDb = io.integration.registry.TestMongo.freshDatabase("svc-plugin");
        Management withPlugin = Management.onMongo(pluginDb, Keyring.open(pluginDb, MasterKey.load("key", MasterKey.generate(), "file", null)),
                java.util.List.of(io.integration.registry.AdapterDescriptor.of("rpc", "0.3.1", "plugin rpc.jar",
                        "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{\"path\":{\"type\":\"string\"}}}",
                        "{\"type\":\"object\",\"required\":[\"method\"],\"properties\":{\"method\":{\"type\":\"string\"}}}")),
                (id, method) -> {
                    throw new AssertionError("no connection test here");
                }, Clock.systemUTC());
        String good = """
                name: rpc-service
                version: 1.0.0
                adapter: { type: rpc, version: "^0.3", config: { path: /rpc } }
                baseUrl: https://rpc.example.com
                methods:
                  - name: add
                    binding: { method: math.add }
                """;
        String bad = good.replace("path: /rpc", "path: /rpc, pth: typo").replace("binding: { method: math.add }",
                "binding: { procedure: math.add }\n    http: { method: GET, path: /x }");

        assertThat(withPlugin.definitions().apply(good)).isEqualTo(Applied.CREATED);
        assertThat(withPlugin.definitions().get("rpc-service", "1.0.0").methods().get(0).binding("rpc")).containsEntry("method", "math.add");
        assertThat(withPlugin.definitions().get("rpc-service", "1.0.0").adapter().config()).containsEntry("path", "/rpc");
        assertThatThrownBy(() -> withPlugin.definitions().apply(bad.replace("1.0.0", "1.0.1")))
                .isInstanceOfSatisfying(ManagementException.class, e -> assertThat(e.problems()).extracting(Problem::path)
                        .containsExactlyInAnyOrder("$.adapter.config", "$.methods[0].binding.method", "$.methods[0].http"));
    }

    @Test
    void retiringIsRefusedForPinnedAndResolvingInstancesButNotForDisabledOnes() {
        management.definitions().apply(definition("1.0.0", null, "one"));
        management.definitions().apply(definition("1.2.0", null, "two"));
        InstanceService instances = management.instances();
        management.credentials().put(new Credential.ApiKey("k", Secret.of("s")));
        instances.create(new InstanceService.Spec("pinned", "t", "crm", "1.0.0", Map.of(), "k"));
        instances.create(new InstanceService.Spec("latest", "t", "crm", null, Map.of(), null));

        assertThatThrownBy(() -> management.definitions().retire("crm", "1.0.0"))
                .isInstanceOfSatisfying(ManagementException.class, e -> assertThat(e.details()).containsEntry("instances", java.util.List.of("pinned")));
        assertThatThrownBy(() -> management.definitions().retire("crm", "1.2.0"))
                .isInstanceOfSatisfying(ManagementException.class, e -> assertThat(e.details()).containsEntry("instances", java.util.List.of("latest")));

        instances.disable("pinned");
        assertThat(management.definitions().retire("crm", "1.0.0").status()).isEqualTo(DefinitionStatus.RETIRED);
        assertThat(new MongoInstanceRepository(db).find("pinned").orElseThrow().status())
                .isEqualTo(io.integration.registry.IntegrationInstance.InstanceStatus.DISABLED);
    }

    @Test
    void putIsIdempotentAndKeepsAnInstanceDisabled() {
        management.definitions().apply(definition("1.0.0", null, "one"));
        InstanceService.Spec spec = new InstanceService.Spec("i", "t", "crm", "^1", Map.of("a", 1), null);
        InstanceService instances = management.instances();

        assertThat(instances.put(spec)).isEqualTo(Applied.CREATED);
        assertThat(instances.put(spec)).isEqualTo(Applied.UNCHANGED);
        instances.disable("i");
        assertThat(instances.put(spec)).isEqualTo(Applied.UNCHANGED);
        assertThat(instances.get("i").status()).isEqualTo(io.integration.registry.IntegrationInstance.InstanceStatus.DISABLED);
        assertThatThrownBy(() -> instances.create(spec))
                .isInstanceOfSatisfying(ManagementException.class, e -> assertThat(e.code()).isEqualTo("ALREADY_EXISTS"));
    }
}
