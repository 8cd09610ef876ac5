package io.integration.topology;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The topology's packages, dependencies pointing inward: {@code codec} (its own JSON and outputs) and {@code input}
 * (reading what others write) are leaves; {@code health} and {@code requests} are two independent aggregates over them;
 * {@code query} reads their stores; the root package ({@code IntegrationTopology}, {@code TopologyMain},
 * {@code TopologySettings}) composes everything and nothing depends on it.
 */
class ArchitectureTest {

    private static final String ROOT = "io.integration.topology";
    private static final JavaClasses CLASSES = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    @Test
    void codecAndInputAreLeaves() {
        check(noClasses().that().resideInAnyPackage(ROOT + ".codec..", ROOT + ".input..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT, ROOT + ".health..", ROOT + ".requests..", ROOT + ".query.."));
        check(noClasses().that().resideInAPackage(ROOT + ".codec..").should().dependOnClassesThat().resideInAPackage(ROOT + ".input.."));
    }

    @Test
    void healthAndRequestStatusAreIndependentAggregates() {
        check(noClasses().that().resideInAPackage(ROOT + ".health..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT, ROOT + ".requests..", ROOT + ".query.."));
        check(noClasses().that().resideInAPackage(ROOT + ".requests..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT, ROOT + ".health..", ROOT + ".query.."));
    }

    @Test
    void queriesReadStoresAndNobodyDependsOnTheCompositionRoot() {
        check(noClasses().that().resideInAPackage(ROOT + ".query..").should().dependOnClassesThat().resideInAPackage(ROOT));
    }

    private static void check(ArchRule rule) {
        rule.check(CLASSES);
    }
}
