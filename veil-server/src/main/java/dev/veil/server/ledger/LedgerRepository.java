package dev.veil.server.ledger;

import static dev.veil.server.db.Sql.instant;
import static dev.veil.server.db.Sql.time;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The ledger's SQL. Every method runs on the caller's handle, inside the caller's transaction:
 * {@link Ledger} decides what makes one transaction. Portable between SQLite and PostgreSQL.
 */
final class LedgerRepository {
  /** A transaction row with the request digest its idempotency key was first used for. */
  record StoredTransaction(LedgerTransaction transaction, String requestHash) {}

  static String availableAccount(String userId) {
    return userId + ":available";
  }

  static String heldAccount(String userId) {
    return userId + ":held";
  }

  /** Creates the user's two accounts unless they exist (safe under concurrency). */
  void ensureUserAccounts(Handle h, String userId, Instant now) {
    for (AccountKind kind : new AccountKind[] {AccountKind.AVAILABLE, AccountKind.HELD}) {
      h.createUpdate("INSERT INTO ledger_accounts (id, owner_id, kind, balance, may_go_negative,"
              + " created_at) VALUES (:id, :owner, :kind, 0, FALSE, :now) ON CONFLICT DO NOTHING")
          .bind("id", kind == AccountKind.AVAILABLE ? availableAccount(userId)
              : heldAccount(userId))
          .bind("owner", userId)
          .bind("kind", kind.name())
          .bind("now", time(now))
          .execute();
    }
  }

  void insertTransaction(Handle h, String id, String kind, String idempotencyKey,
      String requestHash, String reference, String actorId, String memo, Instant now) {
    h.createUpdate("INSERT INTO ledger_transactions (id, kind, idempotency_key, request_hash,"
            + " reference, actor_id, memo, created_at) VALUES (:id, :kind, :key, :hash, :ref,"
            + " :actor, :memo, :now)")
        .bind("id", id)
        .bind("kind", kind)
        .bind("key", idempotencyKey)
        .bind("hash", requestHash)
        .bind("ref", reference)
        .bind("actor", actorId)
        .bind("memo", memo)
        .bind("now", time(now))
        .execute();
  }

  void insertEntries(Handle h, String transactionId, List<LedgerEntry> entries) {
    PreparedBatch batch = h.prepareBatch(
        "INSERT INTO ledger_entries (transaction_id, account_id, amount) VALUES (:tx, :acc, :amt)");
    for (LedgerEntry e : entries) {
      batch.bind("tx", transactionId).bind("acc", e.accountId()).bind("amt", e.amount()).add();
    }
    batch.execute();
  }

  /**
   * Adds {@code delta} to the account's cached balance unless that would take an account that may
   * not go negative below zero.
   *
   * @return false if the account does not exist or lacks the funds (nothing changed)
   */
  boolean applyDelta(Handle h, String accountId, long delta) {
    return h.createUpdate("UPDATE ledger_accounts SET balance = balance + :d WHERE id = :id"
            + " AND (may_go_negative OR balance + :d >= 0)")
        .bind("d", delta)
        .bind("id", accountId)
        .execute() == 1;
  }

  OptionalLong balance(Handle h, String accountId) {
    return h.createQuery("SELECT balance FROM ledger_accounts WHERE id = :id")
        .bind("id", accountId)
        .mapTo(Long.class)
        .findOne()
        .map(OptionalLong::of)
        .orElse(OptionalLong.empty());
  }

  Optional<StoredTransaction> findByIdempotencyKey(Handle h, String key) {
    return h.createQuery("SELECT * FROM ledger_transactions WHERE idempotency_key = :key")
        .bind("key", key)
        .map((rs, ctx) -> new StoredTransaction(transactionHeader(rs), rs.getString("request_hash")))
        .findOne()
        .map(st -> new StoredTransaction(withEntries(h, st.transaction()), st.requestHash()));
  }

  Optional<LedgerTransaction> findTransaction(Handle h, String id) {
    return h.createQuery("SELECT * FROM ledger_transactions WHERE id = :id")
        .bind("id", id)
        .map((rs, ctx) -> transactionHeader(rs))
        .findOne()
        .map(t -> withEntries(h, t));
  }

  /** The user's latest transactions (those touching one of their accounts), newest first. */
  List<LedgerTransaction> transactionsOf(Handle h, String userId, int limit) {
    List<LedgerTransaction> headers = h.createQuery("SELECT t.* FROM ledger_transactions t"
            + " WHERE t.id IN (SELECT e.transaction_id FROM ledger_entries e"
            + " WHERE e.account_id IN (:a, :b))"
            + " ORDER BY t.created_at DESC, t.id DESC LIMIT :limit")
        .bind("a", availableAccount(userId))
        .bind("b", heldAccount(userId))
        .bind("limit", limit)
        .map((rs, ctx) -> transactionHeader(rs))
        .list();
    List<LedgerTransaction> out = new ArrayList<>(headers.size());
    for (LedgerTransaction t : headers) {
      out.add(withEntries(h, t));
    }
    return out;
  }

  private LedgerTransaction withEntries(Handle h, LedgerTransaction t) {
    List<LedgerEntry> entries = h.createQuery("SELECT account_id, amount FROM ledger_entries"
            + " WHERE transaction_id = :tx ORDER BY id")
        .bind("tx", t.id())
        .map((rs, ctx) -> new LedgerEntry(rs.getString("account_id"), rs.getLong("amount")))
        .list();
    return new LedgerTransaction(t.id(), t.kind(), t.reference(), t.actorId(), t.memo(),
        t.createdAt(), entries);
  }

  private static LedgerTransaction transactionHeader(ResultSet rs) throws SQLException {
    return new LedgerTransaction(rs.getString("id"), rs.getString("kind"),
        rs.getString("reference"), rs.getString("actor_id"), rs.getString("memo"),
        instant(rs, "created_at"), List.of());
  }

  // ---------------------------------------------------------------- holds

  void insertHold(Handle h, Hold hold) {
    h.createUpdate("INSERT INTO ledger_holds (id, reference, payer_id, payee_id, amount,"
            + " fee_basis_points, state, hold_tx, settle_tx, created_at, settled_at) VALUES (:id,"
            + " :ref, :payer, :payee, :amount, :fee, :state, :holdTx, NULL, :now, NULL)")
        .bind("id", hold.id())
        .bind("ref", hold.reference())
        .bind("payer", hold.payerId())
        .bind("payee", hold.payeeId())
        .bind("amount", hold.amount())
        .bind("fee", hold.feeBasisPoints())
        .bind("state", hold.state().name())
        .bind("holdTx", hold.holdTransactionId())
        .bind("now", time(hold.createdAt()))
        .execute();
  }

  Optional<Hold> findHold(Handle h, String id) {
    return h.createQuery("SELECT * FROM ledger_holds WHERE id = :id")
        .bind("id", id)
        .map((rs, ctx) -> hold(rs))
        .findOne();
  }

  /**
   * Moves a hold from HELD to {@code to}.
   *
   * @return false if it was no longer HELD (another settlement won)
   */
  boolean settleHold(Handle h, String id, HoldState to, String settleTx, Instant now) {
    return h.createUpdate("UPDATE ledger_holds SET state = :to, settle_tx = :tx, settled_at = :now"
            + " WHERE id = :id AND state = 'HELD'")
        .bind("to", to.name())
        .bind("tx", settleTx)
        .bind("now", time(now))
        .bind("id", id)
        .execute() == 1;
  }

  private static Hold hold(ResultSet rs) throws SQLException {
    return new Hold(rs.getString("id"), rs.getString("reference"), rs.getString("payer_id"),
        rs.getString("payee_id"), rs.getLong("amount"), rs.getInt("fee_basis_points"),
        HoldState.valueOf(rs.getString("state")), rs.getString("hold_tx"),
        rs.getString("settle_tx"), instant(rs, "created_at"), instant(rs, "settled_at"));
  }

  // ---------------------------------------------------------------- verification

  long count(Handle h, String table) {
    return h.createQuery("SELECT COUNT(*) FROM " + table).mapTo(Long.class).one();
  }

  /** Transactions whose entries do not sum to zero, or that have none: id -> (sum, entries). */
  Map<String, long[]> unbalancedTransactions(Handle h, int limit) {
    Map<String, long[]> out = new LinkedHashMap<>();
    h.createQuery("SELECT t.id AS id, COALESCE(SUM(e.amount), 0) AS total, COUNT(e.id) AS n"
            + " FROM ledger_transactions t LEFT JOIN ledger_entries e ON e.transaction_id = t.id"
            + " GROUP BY t.id HAVING COALESCE(SUM(e.amount), 0) <> 0 OR COUNT(e.id) = 0"
            + " ORDER BY t.id LIMIT :limit")
        .bind("limit", limit)
        .map((rs, ctx) -> {
          out.put(rs.getString("id"), new long[] {rs.getLong("total"), rs.getLong("n")});
          return null;
        })
        .list();
    return out;
  }

  /** Accounts whose cached balance differs from the sum of their entries: id -> (cached, sum). */
  Map<String, long[]> driftingBalances(Handle h, int limit) {
    Map<String, long[]> out = new LinkedHashMap<>();
    h.createQuery("SELECT a.id AS id, a.balance AS cached, COALESCE(s.total, 0) AS total"
            + " FROM ledger_accounts a LEFT JOIN (SELECT account_id, SUM(amount) AS total"
            + " FROM ledger_entries GROUP BY account_id) s ON s.account_id = a.id"
            + " WHERE a.balance <> COALESCE(s.total, 0) ORDER BY a.id LIMIT :limit")
        .bind("limit", limit)
        .map((rs, ctx) -> {
          out.put(rs.getString("id"), new long[] {rs.getLong("cached"), rs.getLong("total")});
          return null;
        })
        .list();
    return out;
  }

  /** Accounts below zero that may not be. */
  List<String> negativeAccounts(Handle h, int limit) {
    return h.createQuery("SELECT id FROM ledger_accounts WHERE NOT may_go_negative"
            + " AND balance < 0 ORDER BY id LIMIT :limit")
        .bind("limit", limit)
        .mapTo(String.class)
        .list();
  }

  long totalOfBalances(Handle h) {
    return h.createQuery("SELECT COALESCE(SUM(balance), 0) FROM ledger_accounts")
        .mapTo(Long.class).one();
  }

  /** Held accounts whose balance differs from the sum of the payer's HELD holds. */
  Map<String, long[]> heldMismatches(Handle h, int limit) {
    Map<String, long[]> out = new LinkedHashMap<>();
    h.createQuery("SELECT a.id AS id, a.balance AS cached, COALESCE(s.total, 0) AS total"
            + " FROM ledger_accounts a LEFT JOIN (SELECT payer_id, SUM(amount) AS total"
            + " FROM ledger_holds WHERE state = 'HELD' GROUP BY payer_id) s"
            + " ON s.payer_id = a.owner_id WHERE a.kind = 'HELD'"
            + " AND a.balance <> COALESCE(s.total, 0) ORDER BY a.id LIMIT :limit")
        .bind("limit", limit)
        .map((rs, ctx) -> {
          out.put(rs.getString("id"), new long[] {rs.getLong("cached"), rs.getLong("total")});
          return null;
        })
        .list();
    return out;
  }
}
