package dev.veil.server.audit;

import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.api.AuditCheckpoint;
import dev.veil.server.core.Principal;
import dev.veil.server.core.Role;
import dev.veil.server.core.ServiceException;
import dev.veil.server.http.ApiModule;
import dev.veil.server.http.Requests;
import dev.veil.server.http.Routes;
import io.javalin.http.HandlerType;

/**
 * Audit routes. Operators only: {@code GET /api/audit} (records, paged), {@code GET
 * /api/audit/verify} (the server recomputes the chain), {@code GET /api/audit/checkpoints}
 * (signed checkpoints, paged) and {@code POST /api/audit/checkpoints} (sign the head now). Without
 * a token: {@code GET /api/audit/public-key}, the key that verifies the checkpoints (public, so
 * that anyone handed a copy of the log can check it).
 */
public final class AuditRoutes implements ApiModule {
  /** One record as the API shows it; {@code details} as a JSON object. */
  public record RecordView(long seq, String recordedAt, String actor, String action,
      String subject, JsonNode details, String prevHash, String hash) {}

  /** A page of records; {@code next} is the {@code after} of the next page, null at the end. */
  /**
   * One page of records: {@code next} (the last seq, for {@code ?after=}) and {@code nextCursor}
   * (the same position for {@code ?cursor=}) are null on the last page.
   */
  public record RecordPage(List<RecordView> records, Long next, String nextCursor) {
    RecordPage(List<RecordView> records, Long next) {
      this(records, next, next == null ? null : next.toString());
    }
  }

  /** A signed checkpoint as the API shows it (veil-api's {@link AuditCheckpoint}). */
  public record CheckpointView(long id, long seq, String headHash, String signedAt, String keyId,
      String signature) {
    static CheckpointView of(AuditCheckpoint c) {
      return new CheckpointView(c.id(), c.seq(), c.headHash(), c.signedAt().toString(),
          c.keyId(), c.signature());
    }
  }

  /** A page of checkpoints; {@code next} is the {@code after} of the next page, null at the end. */
  /** One page of checkpoints; {@code next} and {@code nextCursor} as in {@link RecordPage}. */
  public record CheckpointPage(List<CheckpointView> checkpoints, Long next, String nextCursor) {
    CheckpointPage(List<CheckpointView> checkpoints, Long next) {
      this(checkpoints, next, next == null ? null : next.toString());
    }
  }

  private final AuditLog log;
  private final AuditQuery query;
  private final AuditCheckpoints checkpoints;
  private final ObjectMapper mapper;

  public AuditRoutes(AuditLog log, AuditQuery query, AuditCheckpoints checkpoints,
      ObjectMapper mapper) {
    this.log = Objects.requireNonNull(log, "log");
    this.query = Objects.requireNonNull(query, "query");
    this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
    this.mapper = Objects.requireNonNull(mapper, "mapper");
  }

  @Override
  public void register(Routes r) {
    r.get("/api/audit", (ctx, p) -> {
      requireOperator(p);
      long after = after(ctx);
      int limit = (int) Requests.queryLong(ctx, "limit", 100, 1, 1000);
      List<AuditRecord> records = query.after(after, limit);
      List<RecordView> views = records.stream().map(this::view).toList();
      Long next = records.size() < limit ? null : records.get(records.size() - 1).seq();
      ctx.json(new RecordPage(views, next));
    });
    r.get("/api/audit/verify", (ctx, p) -> {
      requireOperator(p);
      AuditLog.Verification v = log.verify();
      log.record(p.userId(), "audit.verify", null, java.util.Map.of("ok", v.ok(), "records",
          v.records()));
      ctx.json(v);
    });
    r.get("/api/audit/checkpoints", (ctx, p) -> {
      requireOperator(p);
      long after = after(ctx);
      int limit = (int) Requests.queryLong(ctx, "limit", 100, 1, 1000);
      List<AuditCheckpoint> page = checkpoints.after(after, limit);
      ctx.json(new CheckpointPage(page.stream().map(CheckpointView::of).toList(),
          page.size() < limit ? null : page.get(page.size() - 1).id()));
    });
    r.post("/api/audit/checkpoints", (ctx, p) -> {
      requireOperator(p);
      ctx.json(CheckpointView.of(checkpoints.checkpoint().orElseThrow(() ->
          ServiceException.conflict("the audit log is empty: there is no head to sign yet"))));
    });
    r.anonymous(HandlerType.GET, "/api/audit/public-key", ctx ->
        ctx.json(checkpoints.signingKey()));
  }

  /** Where a page starts: {@code ?cursor=} (a previous nextCursor) or {@code ?after=} (a seq). */
  private static long after(io.javalin.http.Context ctx) {
    String cursor = ctx.queryParam("cursor");
    if (cursor == null || cursor.isBlank()) {
      return Requests.queryLong(ctx, "after", 0, 0, Long.MAX_VALUE);
    }
    try {
      long v = Long.parseLong(cursor.strip());
      if (v >= 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw ServiceException.badRequest("query parameter 'cursor' is not a cursor of this list:"
        + " pass the nextCursor of the previous page unchanged");
  }

  private static void requireOperator(Principal p) {
    if (!p.has(Role.OPERATOR)) {
      throw ServiceException.forbidden("only operators read the audit log");
    }
  }

  private RecordView view(AuditRecord r) {
    JsonNode details;
    try {
      details = mapper.readTree(r.details());
    } catch (JsonProcessingException e) {
      details = mapper.getNodeFactory().textNode(r.details());
    }
    return new RecordView(r.seq(), r.recordedAt().toString(), r.actor(), r.action(), r.subject(),
        details, r.prevHash(), r.hash());
  }
}
