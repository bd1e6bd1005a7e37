package dev.veil.server.ledger;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

import dev.veil.server.core.Digests;
import dev.veil.server.core.Ids;
import dev.veil.server.core.ServiceException;
import dev.veil.server.db.Sql;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * The platform's double-entry ledger, in integer minor units (cents).
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li>Every movement is a {@link LedgerTransaction} whose entries sum to zero, written with the
 *       accounts' cached balances in one database transaction: all of it or nothing.
 *   <li>A user's balances never go negative: each balance changes by a conditional {@code UPDATE
 *       ... SET balance = balance + d WHERE ... balance + d >= 0} (backed by a check constraint),
 *       so concurrent charges on the same account are serialised by the database and the one
 *       that would overdraw is refused with a 402, whatever the interleaving. Accounts are
 *       updated in id order, so two movements never deadlock each other.
 *   <li>Idempotency: a deposit or charge carrying a client's idempotency key is written once; a
 *       retry with the same key returns the original transaction (even when the two race: the
 *       unique key lets one win), and a different request reusing the key is a 409.
 *   <li>A {@link Hold} is captured or released exactly once (a conditional update of its state
 *       decides which settlement wins); settling it again returns it unchanged.
 *   <li>{@link #verify()} recomputes the invariants from the entries.
 * </ul>
 *
 * <h2>Where money comes from</h2>
 *
 * Only an operator deposits ({@link #deposit}), standing for a payment received outside the
 * platform (a card payment, a bank transfer); the deposit's counterpart is the platform's EXTERNAL
 * account, which therefore goes negative by everything ever deposited. There is deliberately no
 * self-service faucet: any user could mint money with it. A payment-provider integration would
 * call the same method, with the provider's payment id as the idempotency key.
 *
 * <h2>Fees</h2>
 *
 * On a charge or a capture the payee gets the amount minus the platform fee, {@code floor(amount
 * * feeBasisPoints / 10000)}, which goes to the platform's REVENUE account; without a payee all of
 * it does. The fee rate of a hold is fixed when the funds are reserved.
 *
 * <p>Thread-safe; all state is in the database.
 */
public final class Ledger {
  /** The platform's fee account. */
  public static final String REVENUE_ACCOUNT = "platform:revenue";
  /** The counterpart of deposits. */
  public static final String EXTERNAL_ACCOUNT = "platform:external";
  /** The largest amount one movement may carry (10^12 minor units). */
  public static final long MAX_AMOUNT = 1_000_000_000_000L;
  /** The longest client idempotency key accepted. */
  public static final int MAX_IDEMPOTENCY_KEY = 200;

  private static final int MAX_PROBLEMS = 50;

  private final Jdbi jdbi;
  private final Clock clock;
  private final int feeBasisPoints;
  private final LedgerRepository repo = new LedgerRepository();

  /**
   * @param feeBasisPoints the platform's fee on charges and captures, 0 to 10000 (1000 = 10%)
   */
  public Ledger(Jdbi jdbi, Clock clock, int feeBasisPoints) {
    this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (feeBasisPoints < 0 || feeBasisPoints > 10_000) {
      throw new IllegalArgumentException("fee must be 0 to 10000 basis points, got "
          + feeBasisPoints);
    }
    this.feeBasisPoints = feeBasisPoints;
  }

  public int feeBasisPoints() {
    return feeBasisPoints;
  }

  /** {@code floor(amount * basisPoints / 10000)}, exact for every amount up to MAX_AMOUNT. */
  public static long fee(long amount, int basisPoints) {
    return Math.multiplyExact(amount, (long) basisPoints) / 10_000;
  }

  // ---------------------------------------------------------------- reading

  /** The user's balances (zero for a user who never had money). */
  public Balance balance(String userId) {
    Objects.requireNonNull(userId, "userId");
    return jdbi.withHandle(h -> new Balance(userId,
        repo.balance(h, LedgerRepository.availableAccount(userId)).orElse(0),
        repo.balance(h, LedgerRepository.heldAccount(userId)).orElse(0)));
  }

  /** The balance of any account by id (the platform's included), zero if it does not exist. */
  public long accountBalance(String accountId) {
    return jdbi.withHandle(h -> repo.balance(h, accountId).orElse(0));
  }

  /** The user's latest transactions, newest first (at most {@code limit}, 1 to 500). */
  public List<LedgerTransaction> statement(String userId, int limit) {
    if (limit < 1 || limit > 500) {
      throw ServiceException.badRequest("limit must be 1 to 500, got " + limit);
    }
    return jdbi.withHandle(h -> repo.transactionsOf(h, userId, limit));
  }

  public Optional<Hold> findHold(String holdId) {
    return jdbi.withHandle(h -> repo.findHold(h, holdId));
  }

  public Optional<LedgerTransaction> findTransaction(String id) {
    return jdbi.withHandle(h -> repo.findTransaction(h, id));
  }

  // ---------------------------------------------------------------- deposits and charges

  /**
   * Credits a user's available balance with money received outside the platform (operator only:
   * the caller checks the role).
   *
   * @param idempotencyKey the client's key, or null; scoped to the operator
   * @throws ServiceException 400 for an amount outside 1..MAX_AMOUNT or a bad key, 409 when the
   *     key was used for another request
   */
  public LedgerTransaction deposit(String operatorId, String userId, long amount,
      String idempotencyKey, String memo) {
    return depositOnce(operatorId, userId, amount, idempotencyKey, memo).transaction();
  }

  /**
   * A transaction and whether this call wrote it ({@code replayed} false) or found it written by
   * an earlier or concurrent call with the same idempotency key ({@code replayed} true): callers
   * record an effect (an audit record) only when it is not a replay.
   */
  public record Posted(LedgerTransaction transaction, boolean replayed) {}

  /** {@link #deposit}, telling whether this call wrote the transaction or replayed it. */
  public Posted depositOnce(String operatorId, String userId, long amount,
      String idempotencyKey, String memo) {
    Objects.requireNonNull(operatorId, "operatorId");
    Objects.requireNonNull(userId, "userId");
    checkAmount(amount);
    checkMemo(memo);
    String key = scopedKey("deposit", operatorId, idempotencyKey);
    String hash = Digests.sha256Hex("deposit\n" + userId + "\n" + amount + "\n" + memo);
    return idempotentPosted(key, hash, () -> Sql.inTransaction(jdbi, h -> {
      Instant now = clock.instant();
      repo.ensureUserAccounts(h, userId, now);
      return post(h, "DEPOSIT", key, hash, null, operatorId, memo, List.of(
          new LedgerEntry(EXTERNAL_ACCOUNT, -amount),
          new LedgerEntry(LedgerRepository.availableAccount(userId), amount)), now);
    }));
  }

  /**
   * Charges the payer at once and pays the payee the amount minus the fee (the fee, or all of it
   * without a payee, to the platform).
   *
   * @param reference what is paid for (an id), or null
   * @param idempotencyKey the client's key, or null; scoped to the payer
   * @throws ServiceException 402 if the payer's available balance does not cover the amount
   *     (nothing is written), 400 for a bad amount or a payer paying themselves, 409 for a key
   *     reused with another request
   */
  public LedgerTransaction charge(String payerId, String payeeId, long amount, String reference,
      String idempotencyKey) {
    Objects.requireNonNull(payerId, "payerId");
    checkAmount(amount);
    if (payerId.equals(payeeId)) {
      throw ServiceException.badRequest("a user cannot pay themselves");
    }
    String key = scopedKey("charge", payerId, idempotencyKey);
    String hash = Digests.sha256Hex("charge\n" + payeeId + "\n" + amount + "\n" + reference);
    return idempotent(key, hash, () -> Sql.inTransaction(jdbi, h -> {
      Instant now = clock.instant();
      repo.ensureUserAccounts(h, payerId, now);
      if (payeeId != null) {
        repo.ensureUserAccounts(h, payeeId, now);
      }
      List<LedgerEntry> entries = new ArrayList<>();
      entries.add(new LedgerEntry(LedgerRepository.availableAccount(payerId), -amount));
      payout(entries, payeeId, amount, feeBasisPoints);
      return post(h, "CHARGE", key, hash, reference, payerId, null, entries, now);
    }));
  }

  // ---------------------------------------------------------------- holds

  /**
   * Reserves {@code amount} of the payer's available balance for {@code reference} (a job), in
   * the caller's transaction: the caller writes the job in the same one, so that a job never
   * exists without its funds nor funds stay reserved for a job that was not written.
   *
   * @param payeeId who is paid on capture; null: the platform
   * @throws ServiceException 402 if the available balance does not cover the amount
   */
  public Hold hold(Handle h, String payerId, String payeeId, long amount, String reference) {
    Objects.requireNonNull(payerId, "payerId");
    Objects.requireNonNull(reference, "reference");
    checkAmount(amount);
    if (payerId.equals(payeeId)) {
      throw ServiceException.badRequest("a user cannot pay themselves");
    }
    Instant now = clock.instant();
    repo.ensureUserAccounts(h, payerId, now);
    if (payeeId != null) {
      repo.ensureUserAccounts(h, payeeId, now);
    }
    String txId = Ids.next("ltx");
    post(h, txId, "HOLD", "hold:" + reference, null, reference, payerId, null, List.of(
        new LedgerEntry(LedgerRepository.availableAccount(payerId), -amount),
        new LedgerEntry(LedgerRepository.heldAccount(payerId), amount)), now);
    Hold hold = new Hold(Ids.next("hold"), reference, payerId, payeeId, amount, feeBasisPoints,
        HoldState.HELD, txId, null, now, null);
    repo.insertHold(h, hold);
    return hold;
  }

  /**
   * Captures a hold in the caller's transaction: the held amount goes to the payee minus the fee
   * and the fee to the platform. Capturing a captured hold returns it unchanged.
   *
   * @throws IllegalStateException if the hold does not exist or was released
   */
  public Hold capture(Handle h, String holdId) {
    return settle(h, holdId, HoldState.CAPTURED);
  }

  /**
   * Releases a hold in the caller's transaction: the held amount goes back to the payer's
   * available balance. Releasing a released hold returns it unchanged.
   *
   * @throws IllegalStateException if the hold does not exist or was captured
   */
  public Hold release(Handle h, String holdId) {
    return settle(h, holdId, HoldState.RELEASED);
  }

  /** {@link #capture(Handle, String)} in a transaction of its own. */
  public Hold capture(String holdId) {
    return Sql.inTransaction(jdbi, h -> capture(h, holdId));
  }

  /** {@link #release(Handle, String)} in a transaction of its own. */
  public Hold release(String holdId) {
    return Sql.inTransaction(jdbi, h -> release(h, holdId));
  }

  private Hold settle(Handle h, String holdId, HoldState to) {
    Instant now = clock.instant();
    Hold hold = repo.findHold(h, holdId)
        .orElseThrow(() -> new IllegalStateException("no hold " + holdId));
    // The conditional update takes the hold's row lock: of two settlements only one finds HELD.
    if (!repo.settleHold(h, holdId, to, null, now)) {
      Hold now2 = repo.findHold(h, holdId).orElseThrow();
      if (now2.state() == to) {
        return now2;
      }
      throw new IllegalStateException("hold " + holdId + " is already " + now2.state()
          + ", cannot be " + to);
    }
    List<LedgerEntry> entries = new ArrayList<>();
    String held = LedgerRepository.heldAccount(hold.payerId());
    entries.add(new LedgerEntry(held, -hold.amount()));
    String kind;
    if (to == HoldState.CAPTURED) {
      kind = "CAPTURE";
      payout(entries, hold.payeeId(), hold.amount(), hold.feeBasisPoints());
    } else {
      kind = "RELEASE";
      entries.add(new LedgerEntry(LedgerRepository.availableAccount(hold.payerId()),
          hold.amount()));
    }
    String txId = Ids.next("ltx");
    post(h, txId, kind, kind.toLowerCase(java.util.Locale.ROOT) + ":" + holdId, null,
        hold.reference(), null, null, entries, now);
    h.createUpdate("UPDATE ledger_holds SET settle_tx = :tx WHERE id = :id")
        .bind("tx", txId).bind("id", holdId).execute();
    return repo.findHold(h, holdId).orElseThrow();
  }

  /** The payee's part and the platform's fee of {@code amount}, appended to {@code entries}. */
  private static void payout(List<LedgerEntry> entries, String payeeId, long amount,
      int basisPoints) {
    long fee = payeeId == null ? amount : fee(amount, basisPoints);
    long toPayee = amount - fee;
    if (toPayee > 0) {
      entries.add(new LedgerEntry(LedgerRepository.availableAccount(payeeId), toPayee));
    }
    if (fee > 0) {
      entries.add(new LedgerEntry(REVENUE_ACCOUNT, fee));
    }
  }

  // ---------------------------------------------------------------- verification

  /**
   * Checks, on one consistent snapshot: every transaction has entries and they sum to zero; every
   * account's cached balance equals the sum of its entries; no account that may not go negative
   * is; all balances sum to zero; every user's held balance equals the sum of their open holds.
   */
  public LedgerVerification verify() {
    return jdbi.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, h -> {
      List<String> problems = new ArrayList<>();
      repo.unbalancedTransactions(h, MAX_PROBLEMS).forEach((id, v) -> problems.add(v[1] == 0
          ? "transaction " + id + " has no entries"
          : "transaction " + id + " does not balance: its entries sum to " + v[0]));
      repo.driftingBalances(h, MAX_PROBLEMS).forEach((id, v) -> problems.add("account " + id
          + " caches balance " + v[0] + " but its entries sum to " + v[1]));
      for (String id : repo.negativeAccounts(h, MAX_PROBLEMS)) {
        problems.add("account " + id + " is negative");
      }
      long total = repo.totalOfBalances(h);
      if (total != 0) {
        problems.add("the balances of all accounts sum to " + total + ", not 0");
      }
      repo.heldMismatches(h, MAX_PROBLEMS).forEach((id, v) -> problems.add("account " + id
          + " holds " + v[0] + " but the payer's open holds total " + v[1]));
      return new LedgerVerification(problems.isEmpty(), repo.count(h, "ledger_transactions"),
          repo.count(h, "ledger_accounts"), problems);
    });
  }

  // ---------------------------------------------------------------- posting

  private LedgerTransaction post(Handle h, String kind, String key, String hash,
      String reference, String actorId, String memo, List<LedgerEntry> entries, Instant now) {
    return post(h, Ids.next("ltx"), kind, key, hash, reference, actorId, memo, entries, now);
  }

  /**
   * Writes one balanced transaction: its row first (so that a duplicate idempotency key fails
   * before any balance is touched), then the balances in account order, then the entries.
   */
  private LedgerTransaction post(Handle h, String txId, String kind, String key, String hash,
      String reference, String actorId, String memo, List<LedgerEntry> entries, Instant now) {
    Map<String, Long> byAccount = new TreeMap<>();
    long sum = 0;
    for (LedgerEntry e : entries) {
      byAccount.merge(e.accountId(), e.amount(), Math::addExact);
      sum = Math.addExact(sum, e.amount());
    }
    if (sum != 0 || entries.isEmpty()) {
      throw new IllegalStateException("unbalanced " + kind + " transaction: " + entries);
    }
    repo.insertTransaction(h, txId, kind, key, hash, reference, actorId, memo, now);
    List<LedgerEntry> merged = new ArrayList<>();
    for (Map.Entry<String, Long> e : byAccount.entrySet()) {
      long delta = e.getValue();
      if (delta == 0) {
        continue;
      }
      if (!repo.applyDelta(h, e.getKey(), delta)) {
        long balance = repo.balance(h, e.getKey()).orElseThrow(
            () -> new IllegalStateException("no ledger account " + e.getKey()));
        throw ServiceException.paymentRequired("insufficient funds: the balance of "
            + balance + " does not cover " + (-delta) + " (minor units)");
      }
      merged.add(new LedgerEntry(e.getKey(), delta));
    }
    repo.insertEntries(h, txId, merged);
    return new LedgerTransaction(txId, kind, reference, actorId, memo,
        now.truncatedTo(java.time.temporal.ChronoUnit.MILLIS), merged);
  }

  /**
   * Runs {@code write} once per idempotency key: an earlier transaction with the key is returned
   * (or refused with a 409 if it was for another request), also when a concurrent request with
   * the same key wins the race.
   */
  private LedgerTransaction idempotent(String key, String hash,
      Supplier<LedgerTransaction> write) {
    return idempotentPosted(key, hash, write).transaction();
  }

  /** {@link #idempotent}, telling whether the transaction was written here or replayed. */
  private Posted idempotentPosted(String key, String hash, Supplier<LedgerTransaction> write) {
    if (key != null) {
      Optional<LedgerTransaction> earlier = replay(key, hash);
      if (earlier.isPresent()) {
        return new Posted(earlier.get(), true);
      }
    }
    try {
      return new Posted(write.get(), false);
    } catch (RuntimeException e) {
      if (key != null && Sql.isUniqueViolation(e)) {
        return new Posted(replay(key, hash).orElseThrow(() -> e), true);
      }
      throw e;
    }
  }

  private Optional<LedgerTransaction> replay(String key, String hash) {
    return jdbi.withHandle(h -> repo.findByIdempotencyKey(h, key)).map(st -> {
      if (!hash.equals(st.requestHash())) {
        throw ServiceException.conflict("this Idempotency-Key was already used for a different"
            + " request");
      }
      return st.transaction();
    });
  }

  private static String scopedKey(String operation, String userId, String clientKey) {
    if (clientKey == null) {
      return null;
    }
    checkIdempotencyKey(clientKey);
    return operation + ":" + userId + ":" + clientKey;
  }

  /** Checks a client's idempotency key: 1 to 200 printable ASCII characters. */
  public static void checkIdempotencyKey(String key) {
    if (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY) {
      throw ServiceException.badRequest("an Idempotency-Key has 1 to " + MAX_IDEMPOTENCY_KEY
          + " characters");
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw ServiceException.badRequest("an Idempotency-Key holds printable ASCII characters"
            + " only");
      }
    }
  }

  private static void checkAmount(long amount) {
    if (amount < 1 || amount > MAX_AMOUNT) {
      throw ServiceException.badRequest("an amount is 1 to " + MAX_AMOUNT
          + " minor units, got " + amount);
    }
  }

  private static void checkMemo(String memo) {
    if (memo != null && memo.length() > 500) {
      throw ServiceException.badRequest("a memo has at most 500 characters");
    }
  }
}
