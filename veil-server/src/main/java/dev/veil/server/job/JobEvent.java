package dev.veil.server.job;

import java.time.Instant;

/**
 * A change of a job that listeners (server-sent events) are told about: its state, stage and
 * progress after the change.
 *
 * @param jobId the job
 * @param state its state
 * @param stage what it is doing
 * @param progress 0 to 100
 * @param error the failure reason when FAILED, else null
 * @param at when
 */
public record JobEvent(String jobId, JobState state, String stage, int progress, String error,
    Instant at) {

  static JobEvent of(Job job) {
    return new JobEvent(job.id(), job.state(), job.stage(), job.progress(), job.error(),
        job.updatedAt());
  }
}
