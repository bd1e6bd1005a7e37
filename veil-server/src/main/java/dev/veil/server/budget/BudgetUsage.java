package dev.veil.server.budget;

/**
 * What a buyer has used of a model's budget.
 *
 * @param queries inference jobs counted (running, queued or succeeded)
 * @param rows rows counted
 */
public record BudgetUsage(long queries, long rows) {}
