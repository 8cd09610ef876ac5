package io.integration.worker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The README's package rules ("Worker packages, dependencies pointing inward"), checked on the worker's
 * production classes. Each rule says why it exists; a change that needs to break one changes the README first.
 */
class ArchitectureTest {

    private static final String WORKER = "io.integration.worker";
    private static final String APP = WORKER + ".app..";
    private static final String CONFIG = WORKER + ".config..";
    private static final String MESSAGING = WORKER + ".messaging..";
    private static final String EXECUTION = WORKER + ".execution..";
    private static final String RESILIENCE = WORKER + ".resilience..";
    /** Definitions and instances (the shared registry module's root package). */
    private static final String DEFINITIONS = "io.integration.registry";
    private static final String CREDENTIALS = "io.integration.registry.credentials..";
    private static final String SECRET = "io.integration.registry.secret..";
    private static final String ADAPTER = WORKER + ".adapter";
    private static final String ADAPTERS = WORKER + ".adapters..";
    private static final String IDEMPOTENCY = WORKER + ".idempotency..";
    private static final String TEXT = "io.integration.registry.text..";

    private static final JavaClasses WORKER_CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(WORKER);

    @Test
    void onlyMessagingTalksKafkaOrAvro() {
        check(noClasses().that().resideOutsideOfPackages(MESSAGING, APP)
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "org.apache.avro..", "io.integration.avro..",
                        "io.integration.wire..")
                .because("the wire (Kafka clients, Avro, the registry wire format) is one replaceable edge: the pipeline, the "
                        + "stores and the adapters must run and be tested without a broker; only the composition root wires it"));
    }

    @Test
    void theLoopDoesNotKnowReplays() {
        check(noClasses().that().resideInAPackage(MESSAGING).and().resideOutsideOfPackage(WORKER + ".messaging.replay..")
                .should().dependOnClassesThat().resideInAPackage(WORKER + ".messaging.replay..")
                .because("a replay is a tool on the same wire (it produces marked records the loop reads like any other): "
                        + "the loop knows the marks (ReplayHeaders), never the tool"));
    }

    @Test
    void theAdapterSpiUsesJdkTypesOnly() {
        check(classes().that().resideInAPackage(ADAPTER)
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", ADAPTER, SECRET)
                .because("the SPI is the contract third-party adapters compile against: it must not drag in Jackson, "
                        + "credentials storage or any other worker package, whose changes would then break every adapter "
                        + "(Secret, the one shared value type, is a leaf of the registry module)"));
    }

    @Test
    void adaptersDependOnTheSpiJdkAndJacksonOnly() {
        check(classes().that().resideInAPackage(ADAPTERS)
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax.crypto..", "com.fasterxml.jackson..", "org.eclipse.jetty..",
                        ADAPTER, ADAPTERS, SECRET)
                .because("an adapter gets everything for a call through AdapterCall and decides retriable vs permanent at its "
                        + "edge; reaching into execution, resilience, registry, credentials or the stores would couple it to "
                        + "the pipeline it plugs into"));
    }

    @Test
    void onlyTheJettyTransportKnowsJetty() {
        check(noClasses().that().haveNameNotMatching(java.util.regex.Pattern.quote(WORKER + ".adapters.http.JettyTransport") + "(\\$.*)?")
                .and().resideOutsideOfPackage("org.eclipse.jetty..")
                .should().dependOnClassesThat().resideInAPackage("org.eclipse.jetty..")
                .because("the second HTTP client sits behind HttpTransport: the adapter, its tests and the rest of the worker "
                        + "stay the same whichever client http.client picks"));
    }

    @Test
    void pluginLoadingKnowsTheSpiAndTheRegistryModelOnly() {
        check(classes().that().resideInAPackage(WORKER + ".plugins..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", WORKER + ".plugins..", ADAPTER, DEFINITIONS, SECRET)
                .because("finding adapters (class path and plugin jars) and describing them to publishing is all it does; "
                        + "a plugin must not be able to reach the pipeline through the loader"));
    }

    @Test
    void metricsKnowMicrometerAndWhatTheyMeasureOnly() {
        check(classes().that().resideInAPackage(WORKER + ".metrics..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.micrometer..", WORKER + ".metrics..", EXECUTION)
                .because("every metric is named in one place and fed through ports (ExecutionObserver, callbacks): the pipeline "
                        + "does not depend on Micrometer, and the metrics cannot reach into it"));
    }

    @Test
    void theOperationsEndpointKnowsNoWorkerPackage() {
        check(classes().that().resideInAPackage(WORKER + ".ops..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "com.sun.net.httpserver..", "com.fasterxml.jackson..",
                        WORKER + ".ops..")
                .because("the probes answer from checks the composition root gives them: a probe that reached into the loop or a "
                        + "store could block or fail for reasons of its own"));
    }

    @Test
    void nothingDependsOnTheCompositionRoot() {
        check(noClasses().that().resideOutsideOfPackage(APP)
                .should().dependOnClassesThat().resideInAPackage(APP)
                .because("app is the one place that calls new on implementations; anything depending on it could reach "
                        + "every implementation"));
    }

    @Test
    void configDependsOnNoImplementation() {
        check(classes().that().resideInAPackage(CONFIG)
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", CONFIG, EXECUTION, TEXT, SECRET)
                .because("config reads and validates settings into plain records; app maps them onto messaging, the stores "
                        + "and the adapters, so config changes with the keys, not with the implementations"));
    }

    @Test
    void resilienceDoesNotKnowTheRegistry() {
        check(noClasses().that().resideInAPackage(RESILIENCE)
                .should().dependOnClassesThat().resideInAnyPackage(DEFINITIONS, CREDENTIALS)
                .because("resilience guards any call with the typed settings it is given (registry.policy); reading "
                        + "definitions is the registry's job and execution turns them into a call's policy"));
    }

    @Test
    void theResultLogDoesNotKnowResilience() {
        check(noClasses().that().resideInAPackage(IDEMPOTENCY)
                .should().dependOnClassesThat().resideInAPackage(RESILIENCE)
                .because("the result log stores execution's result model; how the calls were retried is not its concern"));
    }

    @Test
    void executionDoesNotKnowItsTransportOrItsStorage() {
        check(noClasses().that().resideInAPackage(EXECUTION)
                .should().dependOnClassesThat().resideInAnyPackage(MESSAGING, IDEMPOTENCY, APP)
                .because("the pipeline owns the ports (ResultLog, Ownership) that messaging and idempotency implement or use, "
                        + "so it can run under any transport and store, and in unit tests"));
    }

    @Test
    void packagesAreFreeOfCycles() {
        check(slices().matching(WORKER + ".(*)..").should().beFreeOfCycles()
                .because("dependencies point inward: a cycle makes two packages one, to be understood, tested and changed together"));
    }

    private static void check(ArchRule rule) {
        rule.check(WORKER_CLASSES);
    }
}
