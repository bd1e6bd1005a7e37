package dev.veil.api;

import java.util.List;

/**
 * A page of signed audit checkpoints ({@code GET /api/audit/checkpoints}, operators).
 *
 * @param checkpoints in the order they were made
 * @param next the {@code after} of the next page, or null at the end
 */
public record AuditCheckpointPage(List<AuditCheckpoint> checkpoints, Long next) {}
