/**
 * The double-entry ledger ({@link dev.veil.server.ledger.Ledger}): balances in integer minor
 * units, balanced transactions, holds for jobs, idempotent deposits and charges, verification;
 * and its routes.
 */
package dev.veil.server.ledger;
