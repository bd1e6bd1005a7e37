package dev.veil.server.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.veil.server.audit.AuditLog;

/** An in-memory audit log for service tests: keeps the records, verifies trivially. */
public final class MemoryAuditLog implements AuditLog {
  /** One recorded action. */
  public record Entry(String actor, String action, String subject, Map<String, Object> details) {}

  private final List<Entry> entries = new ArrayList<>();

  @Override
  public synchronized void record(String actor, String action, String subject,
      Map<String, Object> details) {
    entries.add(new Entry(actor, action, subject, Map.copyOf(details)));
  }

  @Override
  public synchronized Verification verify() {
    return new Verification(entries.size(), true, -1, null);
  }

  public synchronized List<Entry> entries() {
    return List.copyOf(entries);
  }

  /** The actions recorded, in order. */
  public synchronized List<String> actions() {
    return entries.stream().map(Entry::action).toList();
  }
}
