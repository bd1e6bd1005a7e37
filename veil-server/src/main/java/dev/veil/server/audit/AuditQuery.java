package dev.veil.server.audit;

import java.util.List;

/** Reading the audit log back, for operators. */
public interface AuditQuery {
  /** Up to {@code limit} records with sequence numbers above {@code afterSeq}, in order. */
  List<AuditRecord> after(long afterSeq, int limit);
}
