package dev.veil.server.ledger;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import dev.veil.server.account.User;
import dev.veil.server.account.UserRepository;
import dev.veil.server.audit.AuditLog;
import dev.veil.server.core.Principal;
import dev.veil.server.core.Role;
import dev.veil.server.core.ServiceException;
import dev.veil.server.http.ApiModule;
import dev.veil.server.http.Requests;
import dev.veil.server.http.Routes;

/**
 * Ledger routes: {@code GET /api/balance} (the caller's balances and latest transactions), {@code
 * POST /api/deposits} (operators credit a user; {@code Idempotency-Key} header: a replay answers
 * the first transaction and writes no second audit record), {@code GET
 * /api/ledger/verify} (operators).
 */
public final class LedgerRoutes implements ApiModule {
  /** The header that makes a deposit idempotent. */
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  /**
   * {@code POST /api/deposits}: credit {@code amount} minor units to the user named by {@code
   * username} (or {@code userId}).
   */
  public record DepositRequest(String username, String userId, Long amount, String memo) {}

  /** A transaction as the API shows it. */
  public record TransactionView(String id, String kind, String reference, String memo,
      String createdAt, List<LedgerEntry> entries) {
    static TransactionView of(LedgerTransaction t) {
      return new TransactionView(t.id(), t.kind(), t.reference(), t.memo(),
          t.createdAt().toString(), t.entries());
    }
  }

  /**
   * {@code GET /api/balance}: minor units.
   *
   * @param transactions the latest ones touching the caller's accounts, newest first
   */
  public record BalanceView(String userId, long available, long held,
      List<TransactionView> transactions) {}

  private final Ledger ledger;
  private final UserRepository users;
  private final AuditLog audit;
  private final Requests requests;

  public LedgerRoutes(Ledger ledger, UserRepository users, AuditLog audit, Requests requests) {
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.users = Objects.requireNonNull(users, "users");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.requests = Objects.requireNonNull(requests, "requests");
  }

  @Override
  public void register(Routes r) {
    r.get("/api/balance", (ctx, p) -> {
      int n = (int) Requests.queryLong(ctx, "transactions", 20, 1, 500);
      Balance b = ledger.balance(p.userId());
      ctx.json(new BalanceView(p.userId(), b.available(), b.held(),
          ledger.statement(p.userId(), n).stream().map(TransactionView::of).toList()));
    });
    r.post("/api/deposits", (ctx, p) -> {
      operator(p, "deposit money");
      DepositRequest req = requests.json(ctx, DepositRequest.class);
      String userId = target(req);
      if (req.amount() == null) {
        throw ServiceException.badRequest("missing 'amount' (minor units)");
      }
      Ledger.Posted posted = ledger.depositOnce(p.userId(), userId, req.amount(),
          ctx.header(IDEMPOTENCY_KEY), req.memo());
      LedgerTransaction t = posted.transaction();
      if (!posted.replayed()) { // one audit record per effect: a replay records nothing
        audit.record(p.userId(), "ledger.deposit", userId, Map.of("amount", req.amount(),
            "transaction", t.id()));
      }
      ctx.status(201).json(TransactionView.of(t));
    });
    r.get("/api/ledger/verify", (ctx, p) -> {
      operator(p, "verify the ledger");
      ctx.json(ledger.verify());
    });
  }

  private String target(DepositRequest req) {
    if ((req.username() == null) == (req.userId() == null)) {
      throw ServiceException.badRequest("give exactly one of 'username' and 'userId'");
    }
    var user = req.userId() != null ? users.byId(req.userId())
        : users.byUsername(req.username().strip().toLowerCase(Locale.ROOT));
    return user.map(User::id).orElseThrow(() -> ServiceException.notFound("user",
        req.userId() != null ? req.userId() : req.username()));
  }

  private static void operator(Principal p, String what) {
    if (!p.has(Role.OPERATOR)) {
      throw ServiceException.forbidden("only operators " + what);
    }
  }
}
