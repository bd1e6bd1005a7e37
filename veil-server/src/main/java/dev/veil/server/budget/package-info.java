/**
 * Query budgets of published models, per buyer and all buyers together, persisted and consumed
 * with the job's charge.
 *
 * <p>May use {@code core} and {@code db}; no feature.
 */
package dev.veil.server.budget;
