package dev.veil.api;

/**
 * The server's answer to a remote worker's heartbeat or progress.
 *
 * @param cancelRequested whether the job's owner asked it to stop: end it with {@code .../cancel}
 * @param leaseMillis how long the renewed lease lasts
 */
public record WorkerBeat(boolean cancelRequested, long leaseMillis) {}
