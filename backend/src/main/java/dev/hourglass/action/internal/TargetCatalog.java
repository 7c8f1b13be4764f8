package dev.hourglass.action.internal;

import dev.hourglass.action.Routine;
import dev.hourglass.action.RoutineName;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads a target database's functions and procedures and judges them. */
final class TargetCatalog {

  private TargetCatalog() {}

  /** System, extension-internal and pg_cron schemas hold nothing a person wrote. */
  private static final String ROUTINES =
      """
      select n.nspname, p.proname, p.prokind,
             pg_get_function_identity_arguments(p.oid),
             array_to_string(p.proargtypes::regtype[], ','),
             has_function_privilege(p.oid, 'EXECUTE')
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace
       where p.prokind in ('f', 'p')
         and n.nspname not in ('pg_catalog', 'information_schema', 'cron',
                               'timescaledb_information', 'timescaledb_experimental')
         and n.nspname not like 'pg\\_%'
         and n.nspname not like '\\_timescaledb%'
         and not exists (select 1 from pg_depend d
                          where d.classid = 'pg_proc'::regclass and d.objid = p.oid
                            and d.deptype = 'e')
       order by n.nspname, p.proname, 4
      """;

  static List<Routine> read(Connection c) throws SQLException {
    var result = new ArrayList<Routine>();
    try (var ps = c.prepareStatement(ROUTINES);
        var rs = ps.executeQuery()) {
      while (rs.next()) {
        var name = new RoutineName(rs.getString(1), rs.getString(2));
        var kind = "p".equals(rs.getString(3)) ? Routine.Kind.PROCEDURE : Routine.Kind.FUNCTION;
        var arguments = rs.getString(4);
        var types = rs.getString(5);
        boolean executable = rs.getBoolean(6);
        result.add(
            new Routine(
                name,
                kind,
                arguments,
                whyNotAction(types, executable),
                whyNotCheck(kind, types, executable)));
      }
    }
    return List.copyOf(result);
  }

  static String whyNotAction(String inputTypes, boolean executable) {
    if (!"integer,jsonb".equals(inputTypes)) {
      return "It takes ("
          + inputTypes.replace(",", ", ")
          + "); an action takes (job_id integer, config jsonb).";
    }
    if (!executable) {
      return "The database user may not execute it (no EXECUTE privilege).";
    }
    return "";
  }

  static String whyNotCheck(Routine.Kind kind, String inputTypes, boolean executable) {
    if (kind != Routine.Kind.FUNCTION) {
      return "It is a procedure; check_config must be a function (config jsonb).";
    }
    if (!"jsonb".equals(inputTypes)) {
      return "It takes (" + inputTypes.replace(",", ", ") + "); check_config takes (config jsonb).";
    }
    if (!executable) {
      return "The database user may not execute it (no EXECUTE privilege).";
    }
    return "";
  }

  /** The routine named, if it exists with the action signature. */
  static Routine find(Connection c, RoutineName name) throws SQLException {
    // Overloads share a name: prefer one that can serve, else say why the first cannot.
    var named = read(c).stream().filter(r -> r.name().equals(name)).toList();
    return named.stream()
        .filter(r -> r.usableAsAction() || r.usableAsCheck())
        .findFirst()
        .orElse(named.isEmpty() ? null : named.get(0));
  }
}
