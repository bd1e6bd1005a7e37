package dev.veil.server.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.veil.server.audit.AuditLog;

/** An audit log fake that keeps the records in a list. */
public final class RecordingAuditLog implements AuditLog {
  /** One recorded call. */
  public record Entry(String actor, String action, String subject, Map<String, Object> details) {}

  private final List<Entry> entries = new ArrayList<>();

  @Override
  public synchronized void record(String actor, String action, String subject,
      Map<String, Object> details) {
    entries.add(new Entry(actor, action, subject, details));
  }

  @Override
  public Verification verify() {
    return new Verification(entries.size(), true, -1, null);
  }

  public synchronized List<Entry> entries() {
    return List.copyOf(entries);
  }

  public synchronized List<String> actions() {
    return entries.stream().map(Entry::action).toList();
  }

  public synchronized Entry last() {
    return entries.get(entries.size() - 1);
  }
}
