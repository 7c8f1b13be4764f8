package dev.hourglass.platform;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Starts and stops everything the app needs, in order: settings, control-plane database, schema,
 * JobRunr, demo data. Any failure stops the deployment with a message that names the problem.
 */
@ApplicationScoped
public class Platform {

  private static final Logger LOG = Logger.getLogger(Platform.class.getName());

  private BeanManager beanManager;
  private Settings settings;
  private ControlPlane controlPlane;
  private JobRunrHost jobs;
  private String schemaVersion;
  private StartupException failure;

  /** For CDI's client proxy only. */
  protected Platform() {}

  @Inject
  public Platform(BeanManager beanManager) {
    this.beanManager = beanManager;
  }

  void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
    ensureStarted();
  }

  /**
   * Starts once, on whichever comes first: the application-initialized event, or a bean that needs
   * a produced resource during deployment (Payara's health extension creates its checks early).
   */
  private synchronized void ensureStarted() {
    if (failure != null) {
      throw failure;
    }
    if (controlPlane != null) {
      return;
    }
    try {
      settings =
          Settings.read(key -> ConfigProvider.getConfig().getOptionalValue(key, String.class));
      LOG.info(() -> "Hourglass starting with " + settings);
      controlPlane = ControlPlane.open(settings.database());
      schemaVersion = controlPlane.migrate();
      LOG.info(() -> "Control-plane schema at version " + schemaVersion);
      jobs =
          JobRunrHost.start(
              controlPlane.ownerDataSource(), settings.jobs(), new CdiJobActivator(beanManager));
      // Proves at every start that a job travels through storage to a CDI-built handler.
      jobs.enqueue(new SelfCheckRequest(Clock.systemUTC().instant()));
      if (settings.demoData()) {
        DemoData.ensure(controlPlane.ownerDataSource(), Clock.systemUTC());
      }
      LOG.info("Hourglass started");
    } catch (StartupException e) {
      LOG.log(Level.SEVERE, "Hourglass cannot start: {0}", e.getMessage());
      stop();
      failure = e;
      throw e;
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "Hourglass cannot start", e);
      stop();
      failure = new StartupException("Hourglass cannot start: " + e.getMessage(), e);
      throw failure;
    }
  }

  @PreDestroy
  synchronized void stop() {
    if (jobs != null) {
      jobs.close();
      jobs = null;
    }
    if (controlPlane != null) {
      controlPlane.close();
      controlPlane = null;
    }
  }

  @Produces
  public Settings settings() {
    ensureStarted();
    return settings;
  }

  @Produces
  public DataSource dataSource() {
    ensureStarted();
    return controlPlane.dataSource();
  }

  @Produces
  public JobRunrHost jobs() {
    ensureStarted();
    return jobs;
  }

  @Produces
  public Clock clock() {
    return Clock.systemUTC();
  }

  public String schemaVersion() {
    return schemaVersion;
  }
}
