package dev.hourglass.timescale;

import java.util.List;
import java.util.Optional;

/**
 * What a database's TimescaleDB scheduler holds.
 *
 * @param timescaledbVersion empty when the extension is not installed (then there are no jobs)
 * @param runs the latest recorded runs, newest first, from {@code job_history} or {@code
 *     job_errors}, whichever the version has
 * @param notes what this version does not show (e.g. no job_history before 2.15)
 */
public record NativeJobs(
    Optional<String> timescaledbVersion,
    List<NativeJob> jobs,
    List<NativeJobRun> runs,
    List<String> notes) {

  public NativeJobs {
    jobs = List.copyOf(jobs);
    runs = List.copyOf(runs);
    notes = List.copyOf(notes);
  }
}
