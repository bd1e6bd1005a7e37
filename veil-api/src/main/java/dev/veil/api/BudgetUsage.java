package dev.veil.api;

/**
 * What the caller has used of a model's per-buyer budget.
 *
 * @param queries inference jobs counted
 * @param rows rows counted
 */
public record BudgetUsage(long queries, long rows) {}
