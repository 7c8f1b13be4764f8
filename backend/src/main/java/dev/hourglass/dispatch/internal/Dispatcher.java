package dev.hourglass.dispatch.internal;

import dev.hourglass.database.DatabaseConnections;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.dispatch.RunOutcomeObserver;
import dev.hourglass.platform.Settings;
import dev.hourglass.schedule.NextStartCalculator;
import dev.hourglass.tenant.TenantId;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;
import javax.sql.DataSource;

/**
 * The engine on one node: claims the runs due within the look-ahead, starts each on the dot, at
 * most {@code tenantRuns} per tenant and {@code databaseRuns} per database at once, taking tenants
 * in turn, and records outcomes in batches. See docs/decisions/0012-20261126-dispatch.md.
 *
 * <p>Exactly once: a run exists only as a claimed row (unique per action and slot), and an action
 * with a run claimed gets no other until the outcome is recorded. A node starts a run only while
 * its own last heartbeat is younger than half the node time-out; the crash sweep hands back runs
 * whose slot came later than that and marks the others crashed, so no slot ever runs on two nodes.
 */
@ApplicationScoped
public class Dispatcher {

  private static final Logger LOG = Logger.getLogger(Dispatcher.class.getName());

  /** Claimed-but-unrecorded runs this node holds at most, per worker. */
  static final int LOCAL_PER_WORKER = 50;

  /**
   * How long before its slot a run may take a worker to connect and prepare the session, so the
   * call goes out on the dot.
   */
  static final Duration PREPARE_AHEAD = Duration.ofMillis(250);

  private Settings.Dispatch settings;
  private RunLedger ledger;
  private RunExecutor executor;
  private Clock clock;
  private String host;
  private String node;
  private final Map<Long, ClaimedRun> waiting = new java.util.concurrent.ConcurrentHashMap<>();

  private final Map<TenantId, Lane> lanes = new HashMap<>();
  private final ArrayDeque<TenantId> turn = new ArrayDeque<>();
  private final Map<DatabaseId, Integer> databaseRunning = new HashMap<>();
  private int running;
  private final AtomicInteger held = new AtomicInteger();
  private final BlockingQueue<RunOutcome> outcomes = new LinkedBlockingQueue<>();
  private final BlockingQueue<ClaimedRun> toRelease = new LinkedBlockingQueue<>();
  private final AtomicLong lastBeatSent = new AtomicLong();
  private final AtomicLong started = new AtomicLong();
  private final AtomicLong recorded = new AtomicLong();

  private ScheduledExecutorService loops;
  private ScheduledThreadPoolExecutor timer;
  private ExecutorService workers;
  private Thread recorder;
  private volatile boolean stopping;
  private volatile boolean halted;

  /** For CDI's client proxy only. */
  protected Dispatcher() {}

  @Inject
  public Dispatcher(
      DataSource dataSource,
      Clock clock,
      DatabaseConnections targets,
      Settings settings,
      RunOutcomeObserver observer) {
    this(dataSource, clock, targets, settings.dispatch(), RandomGenerator.getDefault(), observer);
  }

  public Dispatcher(
      DataSource dataSource,
      Clock clock,
      DatabaseConnections targets,
      Settings.Dispatch settings,
      RandomGenerator random) {
    this(dataSource, clock, targets, settings, random, RunOutcomeObserver.NONE);
  }

  /**
   * @param observer told of every outcome in the transaction that records it (alerts)
   */
  public Dispatcher(
      DataSource dataSource,
      Clock clock,
      DatabaseConnections targets,
      Settings.Dispatch settings,
      RandomGenerator random,
      RunOutcomeObserver observer) {
    this.settings = settings;
    this.clock = clock;
    this.ledger =
        new RunLedger(
            dataSource, clock, new NextStartCalculator(random), settings.crashWait(), observer);
    this.executor = new RunExecutor(targets, clock);
    this.host = hostName();
    this.node =
        host
            + "-"
            + ProcessHandle.current().pid()
            + "-"
            + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "localhost";
    }
  }

  void startWithApp(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
    if (settings.enabled()) {
      start();
    }
  }

  /** This node's name in the runs it records. */
  public String node() {
    return node;
  }

  /** Registers the node and starts claiming, running and recording. */
  public synchronized void start() {
    if (loops != null) {
      return;
    }
    stopping = false;
    ledger.register(node, host);
    lastBeatSent.set(System.nanoTime());
    workers = Executors.newFixedThreadPool(settings.workers(), daemon("hourglass-run"));
    timer = new ScheduledThreadPoolExecutor(1, daemon("hourglass-dispatch-timer"));
    timer.setRemoveOnCancelPolicy(true);
    loops = Executors.newScheduledThreadPool(2, daemon("hourglass-dispatch"));
    loops.scheduleWithFixedDelay(
        guarded("claim", this::claimOnce),
        0,
        settings.claimEvery().toMillis(),
        TimeUnit.MILLISECONDS);
    loops.scheduleWithFixedDelay(
        guarded("heartbeat", this::beat),
        settings.heartbeat().toMillis(),
        settings.heartbeat().toMillis(),
        TimeUnit.MILLISECONDS);
    loops.scheduleWithFixedDelay(
        guarded("crash sweep", this::sweepCrashes),
        settings.nodeTimeout().toMillis() / 3,
        settings.nodeTimeout().toMillis() / 3,
        TimeUnit.MILLISECONDS);
    recorder = daemon("hourglass-dispatch-recorder").newThread(this::recordLoop);
    recorder.start();
    LOG.info(() -> "Dispatcher started on node " + node + " with " + settings);
  }

  private Runnable guarded(String what, Runnable work) {
    return () -> {
      try {
        work.run();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Dispatcher " + what + " failed; it is tried again", e);
      }
    };
  }

  // --- claiming
  // -----------------------------------------------------------------------------------

  /**
   * Claims what is due within the look-ahead and schedules each run for its slot.
   *
   * @return how many runs were claimed
   */
  public int claimOnce() {
    if (stopping || !alive()) {
      return 0;
    }
    int room = settings.workers() * LOCAL_PER_WORKER - held.get();
    if (room <= 0) {
      return 0;
    }
    var now = clock.instant();
    var claimed =
        ledger.claim(
            node, now.plus(settings.lookahead()), Math.min(room, 2000), settings.tenantQueue());
    held.addAndGet(claimed.size());
    for (var run : claimed) {
      long delay =
          Duration.between(clock.instant(), run.scheduledFor().minus(PREPARE_AHEAD)).toNanos();
      if (delay <= 0) {
        ready(run);
      } else {
        waiting.put(run.id(), run);
        timer.schedule(
            () -> {
              if (waiting.remove(run.id()) != null) {
                ready(run);
              }
            },
            delay,
            TimeUnit.NANOSECONDS);
      }
    }
    return claimed.size();
  }

  /**
   * Whether this node may start runs: only while its last heartbeat is younger than half the node
   * time-out, so other nodes never take it for dead while it still starts runs.
   */
  private boolean alive() {
    return System.nanoTime() - lastBeatSent.get() < settings.nodeTimeout().toNanos() / 2;
  }

  private void beat() {
    long sent = System.nanoTime();
    ledger.heartbeat(node);
    lastBeatSent.set(sent);
  }

  // --- fair start
  // ---------------------------------------------------------------------------------

  private static final class Lane {
    final ArrayDeque<ClaimedRun> ready = new ArrayDeque<>();
    int running;
  }

  private synchronized void ready(ClaimedRun run) {
    var lane = lanes.computeIfAbsent(run.tenant(), t -> new Lane());
    if (lane.ready.isEmpty() && !turn.contains(run.tenant())) {
      turn.addLast(run.tenant());
    }
    lane.ready.addLast(run);
    pump();
  }

  /**
   * Starts ready runs while workers are free: one per tenant in turn, skipping tenants at their cap
   * and runs whose database is at its cap, so no tenant's backlog holds up another's runs.
   */
  private synchronized void pump() {
    boolean progress = true;
    while (progress && running < settings.workers() && !stopping) {
      progress = false;
      int tenants = turn.size();
      for (int i = 0; i < tenants && running < settings.workers(); i++) {
        var tenant = turn.pollFirst();
        var lane = lanes.get(tenant);
        var run = lane.running < settings.tenantRuns() ? nextStartable(lane) : null;
        if (run != null) {
          launch(lane, run);
          progress = true;
        }
        if (!lane.ready.isEmpty()) {
          turn.addLast(tenant);
        } else if (lane.running == 0) {
          lanes.remove(tenant);
        }
      }
    }
  }

  private ClaimedRun nextStartable(Lane lane) {
    var it = lane.ready.iterator();
    while (it.hasNext()) {
      var run = it.next();
      if (databaseRunning.getOrDefault(run.database(), 0) < settings.databaseRuns()) {
        it.remove();
        return run;
      }
    }
    return null;
  }

  private void launch(Lane lane, ClaimedRun run) {
    running++;
    lane.running++;
    databaseRunning.merge(run.database(), 1, Integer::sum);
    workers.execute(
        () -> {
          RunOutcome outcome = null;
          try {
            if (alive()) {
              started.incrementAndGet();
              outcome = executor.execute(run);
            }
          } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Run " + run.id() + " could not be made", e);
            outcome =
                RunOutcome.failed(
                    run,
                    null,
                    clock.instant(),
                    "Hourglass could not make this run: " + e.getMessage());
          } finally {
            done(run, outcome);
          }
        });
  }

  private void done(ClaimedRun run, RunOutcome outcome) {
    synchronized (this) {
      running--;
      var lane = lanes.get(run.tenant());
      lane.running--;
      databaseRunning.computeIfPresent(run.database(), (d, n) -> n == 1 ? null : n - 1);
      if (lane.running == 0 && lane.ready.isEmpty()) {
        lanes.remove(run.tenant());
        turn.remove(run.tenant());
      }
    }
    if (halted) {
      return;
    }
    if (outcome == null) {
      // Not started (this node lost touch with the control plane): hand it back.
      toRelease.add(run);
    } else {
      outcomes.add(outcome);
    }
    pump();
  }

  // --- recording
  // ----------------------------------------------------------------------------------

  private void recordLoop() {
    var batch = new ArrayList<RunOutcome>();
    while (!Thread.currentThread().isInterrupted()) {
      try {
        if (batch.isEmpty()) {
          var first = outcomes.poll(50, TimeUnit.MILLISECONDS);
          if (first != null) {
            batch.add(first);
            // Let a burst of finishing runs gather into one transaction.
            Thread.sleep(5);
            outcomes.drainTo(batch, 999);
          }
        }
        if (!batch.isEmpty()) {
          ledger.record(batch);
          recorded.addAndGet(batch.size());
          held.addAndGet(-batch.size());
          batch.clear();
        }
        releasePending();
      } catch (InterruptedException e) {
        // Stopping: what was taken but not recorded is recorded by flush().
        outcomes.addAll(batch);
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        LOG.log(
            Level.WARNING,
            "Could not record " + batch.size() + " run outcomes; trying again in a second",
            e);
        try {
          Thread.sleep(1000);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private void releasePending() {
    var pending = new ArrayList<ClaimedRun>();
    toRelease.drainTo(pending);
    if (!pending.isEmpty()) {
      try {
        ledger.release(pending);
        held.addAndGet(-pending.size());
      } catch (RuntimeException e) {
        toRelease.addAll(pending);
        throw e;
      }
    }
  }

  // --- crashes
  // ------------------------------------------------------------------------------------

  /**
   * Settles the unfinished runs of nodes that stopped beating: hands back those that cannot have
   * started, marks the others crashed and plans their actions by the crash rule.
   *
   * @return how many runs were marked crashed
   */
  public int sweepCrashes() {
    int crashed = 0;
    for (var orphan : ledger.orphans(settings.nodeTimeout())) {
      if (orphan.node().equals(node) && !stopping) {
        continue;
      }
      if (ledger.settle(orphan, settings.nodeTimeout().dividedBy(2))) {
        crashed++;
        LOG.warning(
            () -> "Run " + orphan.runId() + " of node " + orphan.node() + " marked crashed");
      }
    }
    return crashed;
  }

  // --- numbers and stop
  // ---------------------------------------------------------------------------

  /** Runs started on this node since it started. */
  public long startedRuns() {
    return started.get();
  }

  /** Outcomes recorded by this node since it started. */
  public long recordedRuns() {
    return recorded.get();
  }

  /**
   * Stops claiming, hands back runs not started, waits up to {@code grace} for going runs and
   * records them, then marks the node stopped (runs still going then are crashed by the sweep).
   */
  public void stop(Duration grace) {
    ScheduledExecutorService claiming;
    synchronized (this) {
      if (loops == null || stopping) {
        return;
      }
      stopping = true;
      claiming = loops;
    }
    claiming.shutdownNow();
    try {
      // A claim under way finishes placing its runs before they are handed back.
      claiming.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    timer.shutdownNow();
    try {
      timer.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      for (var lane : lanes.values()) {
        toRelease.addAll(lane.ready);
        lane.ready.clear();
      }
    }
    for (var id : List.copyOf(waiting.keySet())) {
      var run = waiting.remove(id);
      if (run != null) {
        toRelease.add(run);
      }
    }
    workers.shutdown();
    try {
      workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
      recorder.interrupt();
      recorder.join(grace.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    workers.shutdownNow();
    flush();
    executor.close();
    try {
      ledger.stopped(node);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Could not record that node " + node + " stopped", e);
    }
    synchronized (this) {
      loops = null;
    }
    LOG.info(() -> "Dispatcher on node " + node + " stopped");
  }

  /**
   * Stops dead, as a killed process would: nothing handed back, nothing more recorded, no stop
   * mark. For tests of the crash sweep.
   */
  synchronized void halt() {
    stopping = true;
    loops.shutdownNow();
    timer.shutdownNow();
    recorder.interrupt();
    outcomes.clear();
    toRelease.clear();
    halted = true;
    loops = null;
  }

  /** Records what finished and hands back what never started, on the stopping thread. */
  private void flush() {
    try {
      var last = new ArrayList<RunOutcome>();
      outcomes.drainTo(last);
      if (!last.isEmpty()) {
        ledger.record(last);
        recorded.addAndGet(last.size());
      }
      releasePending();
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "Could not record the last outcomes of node " + node + "; the crash sweep settles them",
          e);
    }
  }

  @PreDestroy
  void stopWithApp() {
    stop(Duration.ofSeconds(10));
  }

  private static ThreadFactory daemon(String name) {
    var n = new AtomicInteger();
    return r -> {
      var t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
