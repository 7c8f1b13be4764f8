package dev.hourglass.timescale.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hourglass.action.Action;
import dev.hourglass.action.ActionAuthoring;
import dev.hourglass.action.ActionConfig;
import dev.hourglass.action.ActionDraft;
import dev.hourglass.action.ActionService;
import dev.hourglass.action.RoutineName;
import dev.hourglass.common.InvalidInputException;
import dev.hourglass.common.UserFacingException;
import dev.hourglass.database.DatabaseConnections;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.schedule.ActionSchedule;
import dev.hourglass.schedule.Interval;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.Permission;
import dev.hourglass.tenant.TenantAccess;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.timescale.Template;
import dev.hourglass.timescale.TemplateField;
import dev.hourglass.timescale.TemplateInstall;
import dev.hourglass.timescale.TemplateOffer;
import dev.hourglass.timescale.Templates;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** {@link Templates} over JDBC: facts and form checks on the target, actions via the action API. */
@ApplicationScoped
public class JdbcTemplates implements Templates {

  private static final ObjectMapper JSON = new ObjectMapper();

  private DataSource controlPlane;
  private DatabaseConnections targets;
  private ActionAuthoring authoring;
  private ActionService actions;
  private Clock clock;

  /** For CDI's client proxy only. */
  protected JdbcTemplates() {}

  @Inject
  public JdbcTemplates(
      DataSource controlPlane,
      DatabaseConnections targets,
      ActionAuthoring authoring,
      ActionService actions,
      Clock clock) {
    this.controlPlane = controlPlane;
    this.targets = targets;
    this.authoring = authoring;
    this.actions = actions;
    this.clock = clock;
  }

  /** What a database offers that templates need. */
  record Facts(
      Optional<String> timescaledb,
      String timescaledbSchema,
      String license,
      int hypertables,
      int tablespaces,
      int partitionedTables) {}

  @Override
  public List<TemplateOffer> offers(Caller caller, TenantId tenant, DatabaseId database) {
    TenantAccess.require(controlPlane, caller, tenant, Permission.VIEW);
    var facts = Targets.on(targets, tenant, database, "read what it offers", JdbcTemplates::facts);
    var result = new ArrayList<TemplateOffer>();
    for (var template : Template.values()) {
      result.add(new TemplateOffer(template, missing(template, facts)));
    }
    return List.copyOf(result);
  }

  @Override
  public ActionConfig config(
      Caller caller, TenantId tenant, DatabaseId database, TemplateInstall form) {
    TenantAccess.require(controlPlane, caller, tenant, Permission.EDIT_ACTIONS);
    return Targets.on(targets, tenant, database, "check the form", c -> checkedConfig(c, form));
  }

  @Override
  public Action install(Caller caller, TenantId tenant, DatabaseId database, TemplateInstall form) {
    TenantAccess.require(controlPlane, caller, tenant, Permission.EDIT_ACTIONS);
    var template = form.template();
    // The script is built from what the check read (TimescaleDB's schema), so it goes out of the
    // lambda with the config.
    record Checked(ActionConfig config, String script) {}
    var checked =
        Targets.on(
            targets,
            tenant,
            database,
            "check the form",
            c -> {
              var facts = facts(c);
              var missing = missing(template, facts);
              if (missing.isPresent()) {
                throw new UserFacingException(missing.get());
              }
              requireSchema(c, form.schema());
              return new Checked(
                  checkedConfig(c, form),
                  script(template, form.schema(), facts.timescaledbSchema()));
            });
    authoring.createRoutine(caller, tenant, database, checked.script());
    var config = checked.config();
    var draft =
        new ActionDraft(
            database,
            form.jobName(),
            new RoutineName(form.schema(), template.procedure()),
            config,
            Optional.of(new RoutineName(form.schema(), template.check())),
            ActionSchedule.every(form.scheduleInterval()).build(clock.instant()),
            true,
            Duration.ZERO,
            Optional.empty());
    return actions.add(caller, tenant, draft);
  }

  /**
   * The template's SQL with its routines placed in {@code schema} and TimescaleDB's functions
   * called in {@code timescaledbSchema}, so the procedures work whatever the session's search_path.
   */
  static String script(Template template, String schema, String timescaledbSchema) {
    try (InputStream in = JdbcTemplates.class.getResourceAsStream(template.script())) {
      if (in == null) {
        throw new IllegalStateException("Template script missing: " + template.script());
      }
      var sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return sql.replace("@schema@", quote(schema)).replace("@ts@", quote(timescaledbSchema));
    } catch (IOException e) {
      throw new IllegalStateException("Template script unreadable: " + template.script(), e);
    }
  }

  private static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  static Facts facts(Connection c) throws SQLException {
    Optional<String> version = NativeCatalog.version(c);
    String license = "";
    String schema = "public";
    int hypertables = 0;
    if (version.isPresent()) {
      try (var st = c.createStatement();
          var rs =
              st.executeQuery(
                  "select extnamespace::regnamespace::text from pg_extension"
                      + " where extname = 'timescaledb'")) {
        rs.next();
        schema = rs.getString(1).replace("\"", "");
      }
      try (var st = c.createStatement();
          var rs =
              st.executeQuery(
                  "select coalesce(current_setting('timescaledb.license', true), ''),"
                      + " (select count(*) from timescaledb_information.hypertables)")) {
        rs.next();
        license = rs.getString(1);
        hypertables = rs.getInt(2);
      }
    }
    try (var st = c.createStatement();
        var rs =
            st.executeQuery(
                """
                select (select count(*) from pg_tablespace
                         where spcname not in ('pg_default', 'pg_global')),
                       (select count(*) from pg_partitioned_table pt
                          join pg_attribute a on a.attrelid = pt.partrelid
                                             and a.attnum = pt.partattrs[0]
                         where pt.partstrat = 'r' and pt.partnatts = 1
                           and a.atttypid in ('timestamptz'::regtype, 'timestamp'::regtype,
                                              'date'::regtype))
                """)) {
      rs.next();
      return new Facts(version, schema, license, hypertables, rs.getInt(1), rs.getInt(2));
    }
  }

  /** What the database lacks for the template, as a sentence saying what to do. */
  static Optional<String> missing(Template template, Facts facts) {
    if (template.forTimescaleDb()) {
      if (facts.timescaledb().isEmpty()) {
        return Optional.of(
            "TimescaleDB is not installed in this database. Install it (CREATE EXTENSION"
                + " timescaledb) or use a PostgreSQL variant.");
      }
      if (!facts.timescaledb().get().matches("[2-9]\\..*|\\d\\d+\\..*")) {
        return Optional.of(
            "This template needs TimescaleDB 2 or later; this database has "
                + facts.timescaledb().get()
                + ".");
      }
      boolean needsHypertable =
          template.fields().stream().anyMatch(f -> f.type() == TemplateField.Type.HYPERTABLE);
      if (needsHypertable && facts.hypertables() == 0) {
        return Optional.of(
            "There is no hypertable in this database yet; create one with create_hypertable.");
      }
      boolean tsl = !facts.license().equals("apache"); // TimescaleDB's own licence has compression
      if ((template.needs() == Template.Needs.TIMESCALEDB_COMPRESSION
              || template.needs() == Template.Needs.TIMESCALEDB_TABLESPACES)
          && !tsl) {
        return Optional.of(
            "This TimescaleDB runs under the Apache licence (timescaledb.license = apache), which"
                + " has no "
                + (template.needs() == Template.Needs.TIMESCALEDB_COMPRESSION
                    ? "compression"
                    : "move_chunk")
                + "; it needs the Timescale licence.");
      }
    } else if (facts.partitionedTables() == 0) {
      return Optional.of(
          "There is no table partitioned by range on one timestamp or date column in this"
              + " database (PARTITION BY RANGE).");
    }
    if ((template.needs() == Template.Needs.TIMESCALEDB_TABLESPACES
            || template.needs() == Template.Needs.PARTITIONED_TABLES_TABLESPACES)
        && facts.tablespaces() == 0) {
      return Optional.of(
          "There is no tablespace besides pg_default and pg_global to move data to; create one"
              + " (CREATE TABLESPACE) first.");
    }
    return Optional.empty();
  }

  private static void requireSchema(Connection c, String schema) throws SQLException {
    try (var ps =
        c.prepareStatement(
            "select has_schema_privilege(n.oid, 'CREATE') from pg_namespace n where nspname = ?")) {
      ps.setString(1, schema);
      try (var rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new InvalidInputException(
              "schema", "There is no schema " + schema + " in this database.");
        }
        if (!rs.getBoolean(1)) {
          throw new InvalidInputException(
              "schema",
              "The database user may not create routines in schema "
                  + schema
                  + "; choose another schema or grant CREATE on it.");
        }
      }
    }
  }

  /** The form's values checked one by one, in the database where it takes one. */
  static ActionConfig checkedConfig(Connection c, TemplateInstall form) throws SQLException {
    var config = JSON.createObjectNode();
    String table = null;
    for (var field : form.template().fields()) {
      var raw = form.values().get(field.key());
      var value = raw == null ? "" : raw.strip();
      if (value.isEmpty()) {
        if (field.required()) {
          throw new InvalidInputException(field.key(), field.label() + " is needed; fill it in.");
        }
        continue;
      }
      switch (field.type()) {
        case INTERVAL -> {
          Interval.parse(field.key(), value);
          config.put(field.key(), value);
        }
        case SCHEMA -> {
          if (!exists(c, "select 1 from pg_namespace where nspname = ?", value)) {
            throw new InvalidInputException(
                field.key(), "There is no schema " + value + " in this database.");
          }
          config.put(field.key(), value);
        }
        case PATTERN -> config.put(field.key(), value);
        case HYPERTABLE -> {
          relation(c, field, value);
          if (!exists(
              c,
              "select 1 from timescaledb_information.hypertables h"
                  + " where format('%I.%I', h.hypertable_schema, h.hypertable_name)::regclass"
                  + " = to_regclass(?)",
              value)) {
            throw new InvalidInputException(
                field.key(),
                value + " is a table but not a hypertable; make it one with create_hypertable.");
          }
          table = value;
          config.put(field.key(), value);
        }
        case TABLE -> {
          relation(c, field, value);
          config.put(field.key(), value);
        }
        case PARTITIONED_TABLE -> {
          relation(c, field, value);
          if (!exists(
              c,
              """
              select 1 from pg_partitioned_table pt
                join pg_attribute a on a.attrelid = pt.partrelid and a.attnum = pt.partattrs[0]
               where pt.partrelid = to_regclass(?) and pt.partstrat = 'r' and pt.partnatts = 1
                 and a.atttypid in ('timestamptz'::regtype, 'timestamp'::regtype, 'date'::regtype)
              """,
              value)) {
            throw new InvalidInputException(
                field.key(),
                value + " is not partitioned by range on one timestamp or date column.");
          }
          table = value;
          config.put(field.key(), value);
        }
        case TABLESPACE -> {
          if (!exists(c, "select 1 from pg_tablespace where spcname = ?", value)) {
            throw new InvalidInputException(
                field.key(),
                "There is no tablespace "
                    + value
                    + "; create it (CREATE TABLESPACE) or name another.");
          }
          config.put(field.key(), value);
        }
        case INDEX -> {
          relation(c, field, value);
          if (table == null
              || !exists(
                  c,
                  "select 1 from pg_index where indexrelid = to_regclass(?)"
                      + " and indrelid = to_regclass(?)",
                  value,
                  table)) {
            throw new InvalidInputException(
                field.key(), value + " is not an index of " + table + ".");
          }
          config.put(field.key(), value);
        }
        case COLUMNS -> {
          var array = config.putArray(field.key());
          for (var column : value.split(",")) {
            var name = column.strip();
            if (name.isEmpty() || name.length() > 63) {
              throw new InvalidInputException(
                  field.key(),
                  "List column names separated by commas, e.g. temperature, humidity.");
            }
            array.add(name);
          }
        }
      }
    }
    return new ActionConfig(config.toString());
  }

  private static void relation(Connection c, TemplateField field, String value)
      throws SQLException {
    boolean found;
    try {
      found = exists(c, "select 1 where to_regclass(?) is not null", value);
    } catch (SQLException e) {
      throw new InvalidInputException(
          field.key(),
          "'" + value + "' is not a name PostgreSQL understands (" + Targets.message(e) + ").");
    }
    if (!found) {
      throw new InvalidInputException(
          field.key(),
          "There is no "
              + (field.type() == TemplateField.Type.INDEX ? "index " : "table ")
              + value
              + " in this database.");
    }
  }

  private static boolean exists(Connection c, String sql, String... args) throws SQLException {
    try (var ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setString(i + 1, args[i]);
      }
      try (var rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }
}
