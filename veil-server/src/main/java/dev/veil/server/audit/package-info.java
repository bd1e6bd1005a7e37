/**
 * The append-only, hash-chained audit log of security-relevant actions and its operator routes.
 *
 * <p>May use {@code core}, {@code db} and {@code http} (its routes); every feature records
 * through {@link dev.veil.server.audit.AuditLog}, so it uses no feature.
 */
package dev.veil.server.audit;
