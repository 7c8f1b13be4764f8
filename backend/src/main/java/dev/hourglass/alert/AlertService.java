package dev.hourglass.alert;

import dev.hourglass.security.Caller;
import dev.hourglass.tenant.TenantId;
import java.time.ZoneId;
import java.util.List;

/**
 * Alert rules and their mails, per team. Viewing needs VIEW; changing rules and sending a test mail
 * need EDIT_ACTIONS; the team's time zone needs MANAGE_TENANT.
 */
public interface AlertService {

  /** The team's time zone, default rule and overrides. */
  AlertRules rules(Caller caller, TenantId tenant);

  /** The rule that applies in {@code scope}: its own, or the one it inherits. */
  AlertRule effective(Caller caller, TenantId tenant, AlertScope scope);

  /** Saves the rule of {@code scope} (the team default or an override). */
  void save(Caller caller, TenantId tenant, AlertScope scope, AlertRule rule);

  /** Removes an override, so the database or action inherits again. */
  void removeOverride(Caller caller, TenantId tenant, AlertScope scope);

  /** Sets the team's time zone. */
  void setTimeZone(Caller caller, TenantId tenant, ZoneId zone);

  /**
   * Queues a test mail to everyone the rule of {@code scope} would mail, through the same outbox as
   * real alerts; it goes out within seconds.
   *
   * @return the recipients
   */
  List<String> sendTestMail(Caller caller, TenantId tenant, AlertScope scope);

  /** The team's latest mails and how their delivery went, newest first. */
  List<AlertDelivery> recentDeliveries(Caller caller, TenantId tenant, int limit);
}
