package dev.hourglass.timescale.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.common.InvalidInputException;
import dev.hourglass.schedule.Interval;
import dev.hourglass.timescale.Template;
import dev.hourglass.timescale.TemplateInstall;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** What a template needs, said before it is installed rather than when it first runs. */
class TemplateRequirementsTest {

  private static JdbcTemplates.Facts timescale(String version, String license, int hypertables) {
    return new JdbcTemplates.Facts(Optional.of(version), "public", license, hypertables, 1, 1);
  }

  @Test
  void a_database_without_timescaledb_is_told_to_install_it_or_use_a_postgresql_variant() {
    var plain = new JdbcTemplates.Facts(Optional.empty(), "public", "", 0, 0, 1);
    assertThat(JdbcTemplates.missing(Template.GENERIC_RETENTION, plain))
        .hasValueSatisfying(m -> assertThat(m).contains("CREATE EXTENSION timescaledb"));
    assertThat(JdbcTemplates.missing(Template.PARTITION_RETENTION, plain)).isEmpty();
    assertThat(JdbcTemplates.missing(Template.PARTITION_TIERED_STORAGE, plain))
        .hasValueSatisfying(m -> assertThat(m).contains("CREATE TABLESPACE"));
  }

  @Test
  void timescaledb_1_the_apache_licence_and_no_hypertable_are_each_named() {
    assertThat(JdbcTemplates.missing(Template.BACKFILL, timescale("1.7.5", "timescale", 3)))
        .hasValueSatisfying(m -> assertThat(m).contains("TimescaleDB 2 or later"));
    assertThat(
            JdbcTemplates.missing(
                Template.DOWNSAMPLE_AND_COMPRESS, timescale("2.14.2", "apache", 3)))
        .hasValueSatisfying(m -> assertThat(m).contains("Apache licence").contains("compression"));
    assertThat(JdbcTemplates.missing(Template.GENERIC_RETENTION, timescale("2.14.2", "apache", 3)))
        .isEmpty();
    assertThat(JdbcTemplates.missing(Template.TIERED_STORAGE, timescale("2.23.0", "timescale", 0)))
        .hasValueSatisfying(m -> assertThat(m).contains("no hypertable"));
    assertThat(JdbcTemplates.missing(Template.TIERED_STORAGE, timescale("10.0.0", "timescale", 1)))
        .isEmpty();
  }

  @Test
  void the_script_places_routines_in_the_chosen_schema_and_calls_timescaledb_in_its_own() {
    var sql = JdbcTemplates.script(Template.DOWNSAMPLE_AND_COMPRESS, "Ops \"x\"", "ts");
    assertThat(sql)
        .contains("create or replace procedure \"Ops \"\"x\"\"\".hourglass_downsample_compress(")
        .contains("\"ts\".compress_chunk(")
        .doesNotContain("@schema@")
        .doesNotContain("@ts@");
  }

  @Test
  void a_blank_schema_and_name_default_and_a_control_character_in_the_schema_is_refused() {
    var form =
        new TemplateInstall(Template.BACKFILL, " ", "", Interval.ofHours(1), Map.of("a", "b"));
    assertThat(form.schema()).isEqualTo("public");
    assertThat(form.jobName()).isEqualTo("Backfill on schedule");
    Assertions.assertThatThrownBy(
            () ->
                new TemplateInstall(
                    Template.BACKFILL, "a\u0000b", "", Interval.ofHours(1), Map.of()))
        .isInstanceOf(InvalidInputException.class);
  }
}
