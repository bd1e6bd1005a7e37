package dev.veil.server.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import dev.veil.server.core.ServiceException;
import dev.veil.server.db.Sql;
import dev.veil.server.testing.TestDatabases;
import dev.veil.server.testing.TestDatabase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The ledger's invariants, idempotency and concurrency, on SQLite and on PostgreSQL. */
class LedgerTest {
  static final int FEE_BPS = 1000; // 10%

  private static Ledger ledger(TestDatabase db) {
    return new Ledger(db.jdbi(), Clock.systemUTC(), FEE_BPS);
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void aDepositCreditsTheUserAgainstTheExternalAccount(TestDatabase.Kind kind) {
    try (TestDatabase db = TestDatabase.open(kind)) {
      Ledger l = ledger(db);
      LedgerTransaction tx = l.deposit("usr_op", "usr_a", 5000, null, "card payment");
      assertThat(tx.kind()).isEqualTo("DEPOSIT");
      assertThat(tx.entries()).extracting(LedgerEntry::amount).containsExactlyInAnyOrder(5000L,
          -5000L);
      assertThat(l.balance("usr_a")).isEqualTo(new Balance("usr_a", 5000, 0));
      assertThat(l.accountBalance(Ledger.EXTERNAL_ACCOUNT)).isEqualTo(-5000);
      assertThat(l.balance("usr_nobody")).isEqualTo(new Balance("usr_nobody", 0, 0));
      assertThat(l.statement("usr_a", 10)).extracting(LedgerTransaction::id)
          .containsExactly(tx.id());
      assertThat(l.verify().ok()).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void aRetriedDepositIsWrittenOnceAndAReusedKeyIsAConflict(TestDatabase.Kind kind) {
    try (TestDatabase db = TestDatabase.open(kind)) {
      Ledger l = ledger(db);
      LedgerTransaction first = l.deposit("usr_op", "usr_a", 700, "pay-1", null);
      LedgerTransaction again = l.deposit("usr_op", "usr_a", 700, "pay-1", null);
      assertThat(again).isEqualTo(first);
      assertThat(l.balance("usr_a").available()).isEqualTo(700);
      assertThatThrownBy(() -> l.deposit("usr_op", "usr_a", 701, "pay-1", null))
          .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.status())
              .isEqualTo(409));
      // keys are scoped per operator
      l.deposit("usr_op2", "usr_a", 700, "pay-1", null);
      assertThat(l.balance("usr_a").available()).isEqualTo(1400);
      assertThatThrownBy(() -> l.deposit("usr_op", "usr_a", 1, "bad key", null))
          .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.status())
              .isEqualTo(400));
      assertThat(l.verify().ok()).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void aChargePaysTheSellerThePriceMinusTheFee(TestDatabase.Kind kind) {
    try (TestDatabase db = TestDatabase.open(kind)) {
      Ledger l = ledger(db);
      l.deposit("usr_op", "usr_buyer", 2000, null, null);
      LedgerTransaction tx = l.charge("usr_buyer", "usr_seller", 1005, "mdl_x", "c1");
      assertThat(l.charge("usr_buyer", "usr_seller", 1005, "mdl_x", "c1")).isEqualTo(tx);
      assertThat(l.balance("usr_buyer").available()).isEqualTo(995);
      assertThat(l.balance("usr_seller").available()).isEqualTo(905); // fee floor(100.5) = 100
      assertThat(l.accountBalance(Ledger.REVENUE_ACCOUNT)).isEqualTo(100);
      assertThatThrownBy(() -> l.charge("usr_buyer", "usr_seller", 996, null, null))
          .isInstanceOfSatisfying(ServiceException.class, e -> {
            assertThat(e.status()).isEqualTo(402);
            assertThat(e.getMessage()).contains("995").contains("996");
          });
      assertThat(l.balance("usr_buyer").available()).isEqualTo(995);
      assertThat(l.balance("usr_seller").available()).isEqualTo(905);
      assertThatThrownBy(() -> l.charge("usr_buyer", "usr_buyer", 5, null, null))
          .isInstanceOf(ServiceException.class);
      assertThatThrownBy(() -> l.charge("usr_buyer", "usr_seller", 0, null, null))
          .isInstanceOf(ServiceException.class);
      assertThat(l.verify()).satisfies(v -> assertThat(v.problems()).isEmpty());
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void holdsAreCapturedOrReleasedExactlyOnce(TestDatabase.Kind kind) {
    try (TestDatabase db = TestDatabase.open(kind)) {
      Ledger l = ledger(db);
      l.deposit("usr_op", "usr_b", 1000, null, null);
      Hold h1 = Sql.inTransaction(db.jdbi(),
          h -> l.hold(h, "usr_b", "usr_s", 300, "job_1"));
      Hold h2 = Sql.inTransaction(db.jdbi(),
          h -> l.hold(h, "usr_b", "usr_s", 200, "job_2"));
      assertThat(l.balance("usr_b")).isEqualTo(new Balance("usr_b", 500, 500));
      assertThat(l.verify().ok()).isTrue();
      // a hold over the available balance is refused and leaves nothing
      assertThatThrownBy(() -> Sql.inTransaction(db.jdbi(),
          h -> l.hold(h, "usr_b", "usr_s", 501, "job_3")))
          .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.status())
              .isEqualTo(402));
      assertThat(l.balance("usr_b")).isEqualTo(new Balance("usr_b", 500, 500));

      Hold c = l.capture(h1.id());
      assertThat(c.state()).isEqualTo(HoldState.CAPTURED);
      assertThat(c.settleTransactionId()).isNotNull();
      assertThat(l.capture(h1.id())).isEqualTo(c);
      assertThatThrownBy(() -> l.release(h1.id())).isInstanceOf(IllegalStateException.class);
      Hold r = l.release(h2.id());
      assertThat(r.state()).isEqualTo(HoldState.RELEASED);
      assertThat(l.release(h2.id())).isEqualTo(r);
      assertThatThrownBy(() -> l.capture(h2.id())).isInstanceOf(IllegalStateException.class);

      assertThat(l.balance("usr_b")).isEqualTo(new Balance("usr_b", 700, 0));
      assertThat(l.balance("usr_s").available()).isEqualTo(270);
      assertThat(l.accountBalance(Ledger.REVENUE_ACCOUNT)).isEqualTo(30);
      assertThat(l.verify().problems()).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void verifyFindsTamperedBalancesAndUnbalancedTransactions(TestDatabase.Kind kind) {
    try (TestDatabase db = TestDatabase.open(kind)) {
      Ledger l = ledger(db);
      l.deposit("usr_op", "usr_a", 100, null, null);
      db.jdbi().useHandle(h -> h.execute(
          "UPDATE ledger_accounts SET balance = balance + 1 WHERE id = 'usr_a:available'"));
      LedgerVerification v = l.verify();
      assertThat(v.ok()).isFalse();
      assertThat(v.problems()).anyMatch(p -> p.contains("usr_a:available caches balance 101"));
      db.jdbi().useHandle(h -> {
        h.execute("UPDATE ledger_accounts SET balance = balance - 1 WHERE id = 'usr_a:available'");
        h.execute("INSERT INTO ledger_transactions (id, kind, created_at) VALUES ('ltx_forged',"
            + " 'DEPOSIT', " + TestDatabases.NOW + ")");
        h.execute("INSERT INTO ledger_entries (transaction_id, account_id, amount) VALUES"
            + " ('ltx_forged', 'usr_a:available', 5)");
        h.execute("UPDATE ledger_accounts SET balance = balance + 5 WHERE id = 'usr_a:available'");
      });
      v = l.verify();
      assertThat(v.problems()).anyMatch(p -> p.contains("ltx_forged does not balance"))
          .anyMatch(p -> p.contains("sum to 5, not 0"));
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void concurrentRetriesWithOneKeyDepositOnce(TestDatabase.Kind kind) throws Exception {
    try (TestDatabase db = TestDatabase.open(kind)) {
      Ledger l = ledger(db);
      int threads = 8;
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<LedgerTransaction>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        results.add(pool.submit(() -> {
          start.await();
          return l.deposit("usr_op", "usr_a", 250, "same-key", null);
        }));
      }
      start.countDown();
      String id = null;
      for (Future<LedgerTransaction> f : results) {
        String got = f.get().id();
        assertThat(id == null || id.equals(got)).isTrue();
        id = got;
      }
      pool.shutdown();
      assertThat(l.balance("usr_a").available()).isEqualTo(250);
      assertThat(l.verify().ok()).isTrue();
    }
  }

  /**
   * Eight threads charge, hold, capture and release between four buyers and two sellers until the
   * buyers run dry; every refusal is a 402, and at the end every balance equals what the
   * successful operations add up to, to the cent.
   */
  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void manyThreadsChargingTheSameAccountsLeaveExactBalances(TestDatabase.Kind kind)
      throws Exception {
    try (TestDatabase db = TestDatabase.open(kind)) {
      Ledger l = ledger(db);
      String[] buyers = {"usr_b0", "usr_b1", "usr_b2", "usr_b3"};
      String[] sellers = {"usr_s0", "usr_s1"};
      long deposit = 3000;
      for (String b : buyers) {
        l.deposit("usr_op", b, deposit, null, null);
      }
      AtomicLong[] spent = new AtomicLong[buyers.length];
      AtomicLong[] earned = new AtomicLong[sellers.length];
      AtomicLong fees = new AtomicLong();
      AtomicLong refused = new AtomicLong();
      for (int i = 0; i < spent.length; i++) {
        spent[i] = new AtomicLong();
      }
      for (int i = 0; i < earned.length; i++) {
        earned[i] = new AtomicLong();
      }
      int threads = 8;
      int opsPerThread = 60;
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<Void>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long seed = t;
        futures.add(pool.submit((Callable<Void>) () -> {
          start.await();
          Random r = new Random(seed);
          for (int i = 0; i < opsPerThread; i++) {
            int b = r.nextInt(buyers.length);
            int s = r.nextInt(sellers.length);
            long amount = 1 + r.nextInt(150);
            String ref = "job_" + seed + "_" + i;
            try {
              switch (r.nextInt(3)) {
                case 0 -> {
                  l.charge(buyers[b], sellers[s], amount, null, null);
                  record(spent[b], earned[s], fees, amount);
                }
                case 1 -> {
                  Hold h = Sql.inTransaction(db.jdbi(),
                      hh -> l.hold(hh, buyers[b], sellers[s], amount, ref));
                  l.capture(h.id());
                  record(spent[b], earned[s], fees, amount);
                }
                default -> {
                  Hold h = Sql.inTransaction(db.jdbi(),
                      hh -> l.hold(hh, buyers[b], sellers[s], amount, ref));
                  l.release(h.id());
                }
              }
            } catch (ServiceException e) {
              assertThat(e.status()).isEqualTo(402);
              refused.incrementAndGet();
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<Void> f : futures) {
        f.get();
      }
      pool.shutdown();
      long totalSpent = 0;
      for (int b = 0; b < buyers.length; b++) {
        assertThat(l.balance(buyers[b])).isEqualTo(
            new Balance(buyers[b], deposit - spent[b].get(), 0));
        totalSpent += spent[b].get();
      }
      long totalEarned = 0;
      for (int s = 0; s < sellers.length; s++) {
        assertThat(l.balance(sellers[s]).available()).isEqualTo(earned[s].get());
        totalEarned += earned[s].get();
      }
      assertThat(l.accountBalance(Ledger.REVENUE_ACCOUNT)).isEqualTo(fees.get());
      assertThat(totalEarned + fees.get()).isEqualTo(totalSpent);
      assertThat(totalSpent).isPositive();
      assertThat(l.verify().problems()).isEmpty();
      System.out.printf("%s: %d operations, %d refused for funds, %d spent%n", kind,
          threads * opsPerThread, refused.get(), totalSpent);
    }
  }

  private static void record(AtomicLong spent, AtomicLong earned, AtomicLong fees, long amount) {
    long fee = Ledger.fee(amount, FEE_BPS);
    spent.addAndGet(amount);
    earned.addAndGet(amount - fee);
    fees.addAndGet(fee);
  }
}
