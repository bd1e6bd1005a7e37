/**
 * The double-entry ledger ({@link dev.veil.server.ledger.Ledger}): balances in integer minor
 * units, balanced transactions, holds for jobs, idempotent deposits and charges, verification;
 * and its routes.
 *
 * <p>May use {@code core}, {@code db}, {@code audit}, {@code account} (its routes name users) and
 * {@code http}.
 */
package dev.veil.server.ledger;
