package dev.veil.client;

import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.veil.api.AuditChain;
import dev.veil.api.AuditCheckpoint;
import dev.veil.api.AuditCheckpointPage;
import dev.veil.api.AuditPage;
import dev.veil.api.AuditRecord;
import dev.veil.api.AuditReport;
import dev.veil.api.AuditSigningKey;
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
  private static final int PAGE = 1000;
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

  AuditCheckpointPage auditCheckpoints(long after, int limit) {
    return transport.get("/api/audit/checkpoints?after=" + after + "&limit=" + limit,
        AuditCheckpointPage.class);
  }

  AuditCheckpoint createAuditCheckpoint() {
    return transport.post("/api/audit/checkpoints", null, AuditCheckpoint.class);
  }

  AuditSigningKey auditPublicKey() {
    return transport.get("/api/audit/public-key", AuditSigningKey.class);
  }

  /** Every record, then every checkpoint (so that each checkpoint covers downloaded records). */
  AuditReport verifyAuditChain(PublicKey pinned, AuditCheckpoint remembered) {
    List<AuditRecord> records = new ArrayList<>();
    Long after = 0L;
    while (after != null) {
      AuditPage page = audit(after, PAGE);
      records.addAll(page.records());
      after = page.records().isEmpty() ? null : page.next();
    }
    List<AuditCheckpoint> checkpoints = new ArrayList<>();
    after = 0L;
    while (after != null) {
      AuditCheckpointPage page = auditCheckpoints(after, PAGE);
      checkpoints.addAll(page.checkpoints());
      after = page.checkpoints().isEmpty() ? null : page.next();
    }
    return AuditChain.verify(records, checkpoints, pinned, remembered);
  }
}
