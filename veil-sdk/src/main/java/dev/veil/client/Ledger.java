package dev.veil.client;

import java.util.Objects;

import dev.veil.api.AuditPage;
import dev.veil.api.AuditVerification;
import dev.veil.api.Balance;
import dev.veil.api.DepositRequest;
import dev.veil.api.LedgerTransaction;
import dev.veil.api.LedgerVerification;

/**
 * The money and audit routes of {@link VeilClient}: balance, deposits, and the verification of
 * the ledger and of the audit log.
 */
final class Ledger {
  private final Transport transport;

  Ledger(Transport transport) {
    this.transport = Objects.requireNonNull(transport, "transport");
  }

  Balance balance(int transactions) {
    return transport.get("/api/balance?transactions=" + transactions, Balance.class);
  }

  LedgerTransaction deposit(DepositRequest request, String idempotencyKey) {
    return transport.postIdempotent("/api/deposits", request, LedgerTransaction.class,
        idempotencyKey);
  }

  LedgerVerification verifyLedger() {
    return transport.get("/api/ledger/verify", LedgerVerification.class);
  }

  AuditPage audit(long after, int limit) {
    return transport.get("/api/audit?after=" + after + "&limit=" + limit, AuditPage.class);
  }

  AuditVerification verifyAudit() {
    return transport.get("/api/audit/verify", AuditVerification.class);
  }
}
