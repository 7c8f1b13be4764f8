package dev.hourglass.timescale;

import dev.hourglass.action.Action;
import dev.hourglass.action.ActionConfig;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.TenantId;
import java.util.List;

/**
 * Ready-made actions: each template installs its procedure and check_config function into the
 * chosen database (one transaction) and registers an action through the action API, so every check
 * of add_job applies (the check_config call included).
 */
public interface Templates {

  /** Every template, each saying what the database lacks for it, if anything; viewers may look. */
  List<TemplateOffer> offers(Caller caller, TenantId tenant, DatabaseId database);

  /**
   * The config the form's values make, checked against the database (intervals parse, tables,
   * hypertables, tablespaces and indexes exist); editors and up.
   *
   * @throws dev.hourglass.common.InvalidInputException naming the field's key
   */
  ActionConfig config(Caller caller, TenantId tenant, DatabaseId database, TemplateInstall form);

  /**
   * Checks the form, installs the template's routines and adds the action; editors and up.
   *
   * @throws dev.hourglass.common.UserFacingException when the database lacks what the template
   *     needs, saying what
   */
  Action install(Caller caller, TenantId tenant, DatabaseId database, TemplateInstall form);
}
