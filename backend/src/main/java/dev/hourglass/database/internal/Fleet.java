package dev.hourglass.database.internal;

import dev.hourglass.database.NetworkPolicy;
import dev.hourglass.platform.Settings;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import javax.sql.DataSource;

/**
 * What reaching the tenants' databases takes, built once from the settings: the operator's network
 * policy (with the control plane's own address protected), the probe, and the pools.
 */
@ApplicationScoped
public class Fleet {

  private NetworkPolicy policy;
  private ConnectionProbe probe;
  private TargetPools pools;

  /** For CDI's client proxy only. */
  protected Fleet() {}

  @Inject
  public Fleet(Settings settings, DataSource controlPlane, dev.hourglass.security.SecretBox box) {
    this(policyFrom(settings), settings.targets(), controlPlane, box);
  }

  public Fleet(
      NetworkPolicy policy,
      Settings.Targets targets,
      DataSource controlPlane,
      dev.hourglass.security.SecretBox box) {
    this.policy = policy;
    this.probe = new ConnectionProbe(targets.connectTimeout());
    this.pools = new TargetPools(controlPlane, box, policy, targets);
  }

  /** The operator's ranges, plus the control-plane database, which targets may never be. */
  static NetworkPolicy policyFrom(Settings settings) {
    var url = URI.create(settings.database().url().substring("jdbc:".length()));
    var port = url.getPort() < 0 ? 5432 : url.getPort();
    var host = url.getHost() == null ? "localhost" : url.getHost();
    return NetworkPolicy.of(
        settings.targets().allow(),
        settings.targets().deny(),
        List.of(InetSocketAddress.createUnresolved(host, port)));
  }

  public NetworkPolicy policy() {
    return policy;
  }

  public ConnectionProbe probe() {
    return probe;
  }

  public TargetPools pools() {
    return pools;
  }

  /** The pools, as other features see them. */
  @jakarta.enterprise.inject.Produces
  public dev.hourglass.database.DatabaseConnections connections() {
    return pools;
  }

  @PreDestroy
  public void close() {
    pools.close();
  }
}
