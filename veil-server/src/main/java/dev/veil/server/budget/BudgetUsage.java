package dev.veil.server.budget;

/**
 * What is used of a listing's budget: by one buyer, or by all buyers together.
 *
 * @param queries inference jobs counted (running, queued or succeeded)
 * @param rows rows counted
 */
public record BudgetUsage(long queries, long rows) {}
