package io.llmpipeline.worker.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;

/** The worker's layout as rules: which package may lean on which. */
class WorkerLayoutTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        // the module's own main classes only: scanning the whole class path for the package costs seconds
        classes = new ClassFileImporter().importPath(Path.of("target", "classes"));
    }

    @Test
    void aRunKnowsNothingOfKafka() {
        noClasses().that().resideInAPackage("..worker.run..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "..worker.loop..")
                .because("a request run must be drivable by a unit test with a scripted transport and a manual scheduler; "
                        + "hand its results to the loop through RunReport instead of touching Kafka")
                .check(classes);
    }

    @Test
    void aRunReachesProvidersOnlyThroughTheTransportInterface() {
        noClasses()
                .that().resideInAPackage("..worker.run..")
                .should().dependOnClassesThat().haveFullyQualifiedName("io.llmpipeline.worker.provider.HttpTransport")
                .orShould().dependOnClassesThat().resideInAPackage("org.apache.hc..")
                .because("the run must not open sockets; Worker wires HttpTransport into ProviderEndpoint")
                .check(classes);
    }

    @Test
    void guardsDoNotKnowWhoUsesThem() {
        noClasses().that().resideInAPackage("..worker.guard..")
                .should().dependOnClassesThat().resideInAnyPackage("..worker.run..", "..worker.loop..", "org.apache.kafka..")
                .because("guards are mechanisms and policy; a run asks them by intent (ModelGuard's methods), never the reverse")
                .check(classes);
    }

    @Test
    void providersDoNotKnowTheLoopOrTheRun() {
        noClasses().that().resideInAPackage("..worker.provider..")
                .should().dependOnClassesThat().resideInAnyPackage("..worker.run..", "..worker.loop..", "org.apache.kafka..")
                .because("an adapter translates one wire format; scheduling and delivery belong to run/ and loop/")
                .check(classes);
    }
}
