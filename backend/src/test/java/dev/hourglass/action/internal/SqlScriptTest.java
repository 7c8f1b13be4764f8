package dev.hourglass.action.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlScriptTest {

  @Test
  void statements_split_at_top_level_semicolons_only() {
    var sql =
        "create function f() returns text language sql as $body$ select 'a;b' $body$;\n"
            + "-- a comment; not a split\n"
            + "select \"odd;name\" from t; /* block; comment */ select $$;$$, 'it''s;'";
    var parts = SqlScript.split(sql);
    assertThat(parts)
        .extracting(SqlScript.Statement::text)
        .containsExactly(
            "create function f() returns text language sql as $body$ select 'a;b' $body$",
            "\n-- a comment; not a split\nselect \"odd;name\" from t",
            " /* block; comment */ select $$;$$, 'it''s;'");
    assertThat(parts.get(1).offset()).isEqualTo(sql.indexOf("\n-- a comment"));
  }

  @Test
  void empty_statements_and_trailing_comments_are_dropped() {
    assertThat(SqlScript.split("select 1;; ;\n-- done\n")).hasSize(1);
  }

  @Test
  void positional_parameters_are_not_dollar_quotes() {
    assertThat(SqlScript.split("prepare p as select $1; select 2")).hasSize(2);
  }
}
