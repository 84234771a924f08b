package io.llmpipeline.launcher.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaPackage;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

/**
 * Boundaries between the pipeline's modules, checked on their main classes (the launcher is the
 * one module that sees them all).
 */
class ModuleBoundariesTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.llmpipeline");
    }

    @Test
    void theRouterNeverImportsTheWorker() {
        noClasses().that().resideInAPackage("io.llmpipeline.router..")
                .should().dependOnClassesThat().resideInAPackage("io.llmpipeline.worker..")
                .because("router and worker meet only on topics and their Avro schemas; "
                        + "move what both need into schemas or catalog")
                .check(classes);
    }

    @Test
    void theWorkerNeverImportsTheRouter() {
        noClasses().that().resideInAPackage("io.llmpipeline.worker..")
                .should().dependOnClassesThat().resideInAPackage("io.llmpipeline.router..")
                .because("router and worker meet only on topics and their Avro schemas; "
                        + "move what both need into schemas or catalog")
                .check(classes);
    }

    @Test
    void internalsStayInsideTheirModule() {
        classes()
                .that(resideInAnInternalPackage())
                .should(onlyBeAccessedFromTheirOwnModule())
                .because("an internal(s) package is its module's implementation; depend on the module's public package "
                        + "beside it, or move what you need there")
                .check(classes);
    }

    private static DescribedPredicate<JavaClass> resideInAnInternalPackage() {
        return DescribedPredicate.describe("reside in an internal or internals package",
                c -> moduleRootOf(c.getPackageName()) != null);
    }

    /** The package an internal(s) package belongs to: {@code a.b} for {@code a.b.internals.c}; null when none. */
    private static String moduleRootOf(String packageName) {
        for (String marker : new String[] {".internals", ".internal"}) {
            int at = packageName.indexOf(marker);
            if (at > 0 && (packageName.length() == at + marker.length()
                    || packageName.charAt(at + marker.length()) == '.')) {
                return packageName.substring(0, at);
            }
        }
        return null;
    }

    private static ArchCondition<JavaClass> onlyBeAccessedFromTheirOwnModule() {
        return new ArchCondition<>("only be accessed from their own module") {
            @Override
            public void check(JavaClass target, ConditionEvents events) {
                String root = moduleRootOf(target.getPackageName());
                target.getDirectDependenciesToSelf().forEach(dependency -> {
                    JavaPackage origin = dependency.getOriginClass().getPackage();
                    String from = origin.getName();
                    if (!from.equals(root) && !from.startsWith(root + ".")) {
                        events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()));
                    }
                });
            }
        };
    }
}
