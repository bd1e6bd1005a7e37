package dev.veil.client;

import dev.veil.api.JobEvent;

/**
 * Told of every change of a job that {@link VeilClient#waitForJob} sees: state, stage or progress
 * (from the server-sent events, or from polling when they are not available). Each distinct
 * (state, stage, progress, error) is told once, in order; the last call has the terminal state.
 */
@FunctionalInterface
public interface JobListener {
  /** A listener that ignores everything. */
  JobListener NONE = e -> { };

  void onEvent(JobEvent event);
}
