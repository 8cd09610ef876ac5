package io.integration.api;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/** The management API's layering: transport, routes, service layer; one composition root. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.integration.api");

    @Test
    void routesGoThroughTheServiceLayerNotTheStore() {
        check(noClasses().that().resideInAPackage("io.integration.api.routes..")
                .should().dependOnClassesThat(resideInAnyPackage("com.mongodb..", "org.bson..", "io.integration.registry.store..",
                        "io.integration.worker..").and(not(resideInAPackage("io.integration.worker.messaging.replay.."))))
                .because("every rule of the registry (lifecycle, checks, hashing) lives in the service layer, which the "
                        + "seeding tools share; a route writing MongoDB itself would skip them. Replays have their own service "
                        + "(worker.messaging.replay: Replayer), which the replay routes call; nothing else of the worker"));
    }

    @Test
    void theTransportKnowsNoRoute() {
        check(noClasses().that().resideInAPackage("io.integration.api.http..")
                .should().dependOnClassesThat().resideInAnyPackage("io.integration.api.routes..", "com.mongodb..")
                .because("authentication, errors, audit and the OpenAPI document apply to every route alike; the table "
                        + "is handed in, so a new route cannot bypass them"));
    }

    @Test
    void nothingDependsOnTheCompositionRoot() {
        check(noClasses().that().resideInAnyPackage("io.integration.api.http..", "io.integration.api.routes..")
                .should().dependOnClassesThat().resideInAPackage("io.integration.api")
                .because("ManagementApi is the one place that wires implementations"));
    }

    private static void check(ArchRule rule) {
        rule.check(CLASSES);
    }
}
