package dev.veil.api;

import java.util.List;

/**
 * A page of audit records.
 *
 * @param records in sequence order
 * @param next the {@code after} of the next page, or null at the end
 */
public record AuditPage(List<AuditRecord> records, Long next) {}
