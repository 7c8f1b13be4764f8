package dev.hourglass.platform;

import jakarta.enterprise.inject.spi.BeanManager;
import org.jobrunr.server.JobActivator;

/**
 * Lets JobRunr's worker threads obtain job handlers as CDI beans. JobRunr has no Jakarta CDI
 * module; the bean manager captured at start-up works from any thread, unlike a lookup through the
 * thread's context class loader.
 */
final class CdiJobActivator implements JobActivator {

  private final BeanManager beanManager;

  CdiJobActivator(BeanManager beanManager) {
    this.beanManager = beanManager;
  }

  @Override
  public <T> T activateJob(Class<T> type) {
    var instance = beanManager.createInstance().select(type);
    if (instance.isUnsatisfied()) {
      throw new IllegalStateException(
          type.getName() + " is not a CDI bean: give it a bean-defining annotation");
    }
    return instance.get();
  }
}
