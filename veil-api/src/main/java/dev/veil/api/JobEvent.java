package dev.veil.api;

import java.time.Instant;

/**
 * A job's state, stage and progress after a change: the data of a server-sent event ({@code
 * event: job}), or what a poll found.
 *
 * @param jobId the job
 * @param state its state
 * @param stage what it is doing
 * @param progress 0 to 100
 * @param error the failure reason when FAILED, else null
 * @param at when
 */
public record JobEvent(String jobId, JobState state, String stage, int progress, String error,
    Instant at) {}
