package dev.hourglass.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The package rules of the house style (docs/architecture.md), written against a root package so
 * the same rules can be shown to fail on a deliberately broken fixture.
 */
final class PackageRules {

  private final String root;

  PackageRules(String root) {
    this.root = root;
  }

  List<ArchRule> all() {
    return List.of(
        backendNeverUsesVaadin(),
        internalsStayInsideTheirFeature(),
        scheduleAndRunStayApart(),
        noThreadLocals(),
        platformUsesNoFeature(),
        noImplOrDefaultNames(),
        dispatchKnowsNoAlerts());
  }

  /** Rule 1: only the ui module speaks Vaadin. */
  ArchRule backendNeverUsesVaadin() {
    return noClasses()
        .that()
        .resideInAPackage(root + "..")
        .and()
        .resideOutsideOfPackage(root + ".ui..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("com.vaadin..")
        .because("the backend must not leak UI types; views live in the ui module");
  }

  /** Rule 1: other features use only a feature's root package, never its internal package. */
  ArchRule internalsStayInsideTheirFeature() {
    var internal = Pattern.compile(Pattern.quote(root) + "\\.([a-z0-9]+)\\.internal(\\..*)?");
    return classes()
        .that()
        .resideInAPackage(root + "..")
        .should(
            new ArchCondition<JavaClass>("use no other feature's internal package") {
              @Override
              public void check(JavaClass origin, ConditionEvents events) {
                for (Dependency d : origin.getDirectDependenciesFromSelf()) {
                  var m = internal.matcher(d.getTargetClass().getPackageName());
                  if (m.matches()
                      && !origin.getPackageName().equals(root + "." + m.group(1))
                      && !origin.getPackageName().startsWith(root + "." + m.group(1) + ".")) {
                    events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                  }
                }
              }
            })
        .allowEmptyShould(true);
  }

  /** Rule 1: schedule decides when, run decides how; neither imports the other. */
  ArchRule scheduleAndRunStayApart() {
    ArchRule scheduleToRun =
        noClasses()
            .that()
            .resideInAPackage(root + ".schedule..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage(root + ".run..")
            .allowEmptyShould(true);
    ArchRule runToSchedule =
        noClasses()
            .that()
            .resideInAPackage(root + ".run..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage(root + ".schedule..")
            .allowEmptyShould(true);
    return CompositeArchRule.of(scheduleToRun)
        .and(runToSchedule)
        .because("schedule decides when and run decides how");
  }

  /**
   * Dispatch records outcomes and knows nothing of alerts: alerts observe it through {@code
   * dispatch.RunOutcomeObserver}, so the run path never waits on alert code it cannot see.
   */
  ArchRule dispatchKnowsNoAlerts() {
    return noClasses()
        .that()
        .resideInAPackage(root + ".dispatch..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage(root + ".alert..")
        .allowEmptyShould(true)
        .because("alerts observe dispatch through RunOutcomeObserver, never the other way round");
  }

  /** Rule 3: the tenant is passed explicitly, never through a thread-local. */
  ArchRule noThreadLocals() {
    return noClasses()
        .that()
        .resideInAPackage(root + "..")
        .should()
        .dependOnClassesThat()
        .areAssignableTo(ThreadLocal.class)
        .because("the tenant and caller travel as parameters");
  }

  /** Wiring knows no feature, so features can be moved or removed freely. */
  ArchRule platformUsesNoFeature() {
    return noClasses()
        .that()
        .resideInAPackage(root + ".platform..")
        .should()
        .dependOnClassesThat(
            com.tngtech.archunit.base.DescribedPredicate.describe(
                "belong to a feature",
                (JavaClass c) ->
                    c.getPackageName().startsWith(root + ".")
                        && !c.getPackageName().startsWith(root + ".platform")
                        && !c.getPackageName().startsWith(root + ".common")))
        .allowEmptyShould(true);
  }

  /** Rule 7: implementations are named by technology. */
  ArchRule noImplOrDefaultNames() {
    return noClasses()
        .that()
        .resideInAPackage(root + "..")
        .should()
        .haveSimpleNameEndingWith("Impl")
        .orShould()
        .haveSimpleNameStartingWith("Default")
        .because("implementations are named by technology, e.g. JdbcTenantService");
  }
}
