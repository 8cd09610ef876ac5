package io.integration.registry;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * Package rules of the shared registry module (the worker, the management API and the seeding tools all build on it).
 * Each rule says why it exists.
 */
class ArchitectureTest {

    private static final String REGISTRY = "io.integration.registry";
    private static final String SECRET = REGISTRY + ".secret..";
    private static final String TEXT = REGISTRY + ".text..";
    private static final String POLICY = REGISTRY + ".policy..";
    private static final String STORE = REGISTRY + ".store..";
    private static final String SERVICE = REGISTRY + ".service..";

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(REGISTRY);

    @Test
    void secretIsALeaf() {
        check(classes().that().resideInAPackage(SECRET)
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", SECRET)
                .because("the adapter SPI compiles against Secret: it must bring nothing else with it"));
    }

    @Test
    void durationTextIsALeaf() {
        check(classes().that().resideInAPackage(TEXT)
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", TEXT)
                .because("definitions, policies and the worker's config all parse durations with it; it must depend on none of them"));
    }

    @Test
    void policiesAreValuesOnly() {
        check(classes().that().resideInAPackage(POLICY)
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", POLICY, TEXT)
                .because("the worker's resilience package turns these records into breakers and limiters; they must not "
                        + "carry storage or document parsing into it"));
    }

    @Test
    void storeHelpersKnowNoModel() {
        check(noClasses().that().resideInAPackage(STORE)
                .should().dependOnClassesThat().resideInAnyPackage(REGISTRY, REGISTRY + ".credentials..", SERVICE)
                .because("MongoCalls and TtlCache serve every repository; a model type in them would tie all stores to it"));
    }

    @Test
    void onlyTheServiceLayerKnowsAboutLifecycleAndAudit() {
        check(noClasses().that().resideOutsideOfPackage(SERVICE)
                .should().dependOnClassesThat().resideInAPackage(SERVICE)
                .because("the model and repositories are read by workers that never manage anything; management "
                        + "(publish, retire, tokens, audit) sits on top of them, never beneath"));
    }

    @Test
    void packagesAreFreeOfCycles() {
        check(slices().matching(REGISTRY + ".(*)..").should().beFreeOfCycles()
                .because("dependencies point inward: a cycle makes two packages one"));
    }

    private static void check(ArchRule rule) {
        rule.check(CLASSES);
    }
}
