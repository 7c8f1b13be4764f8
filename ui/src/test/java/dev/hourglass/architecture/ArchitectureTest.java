package dev.hourglass.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The house package rules hold for the product, and each one catches a deliberate breach. */
class ArchitectureTest {

  static JavaClasses product;
  static JavaClasses brokenFixture;

  @BeforeAll
  static void importClasses() {
    product =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.hourglass");
    brokenFixture = new ClassFileImporter().importPackages("fixture.hourglass");
  }

  @Test
  void the_product_classes_were_found() {
    assertThat(product.containPackage("dev.hourglass.tenant")).isTrue();
    assertThat(product.containPackage("dev.hourglass.ui.shell")).isTrue();
  }

  @TestFactory
  Stream<DynamicTest> the_product_follows_every_package_rule() {
    return new PackageRules("dev.hourglass")
        .all().stream()
            .map(rule -> DynamicTest.dynamicTest(rule.getDescription(), () -> rule.check(product)));
  }

  @TestFactory
  Stream<DynamicTest> every_rule_fails_on_the_broken_fixture() {
    return new PackageRules("fixture.hourglass")
        .all().stream()
            .map(
                rule ->
                    DynamicTest.dynamicTest(
                        rule.getDescription(), () -> assertViolated(rule, brokenFixture)));
  }

  private static void assertViolated(ArchRule rule, JavaClasses classes) {
    var result = rule.evaluate(classes);
    assertThat(result.hasViolation())
        .as("rule '%s' should catch the breach planted in fixture.hourglass", rule.getDescription())
        .isTrue();
  }
}
