package dev.veil.server.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

import dev.veil.server.core.ServiceException;
import dev.veil.server.db.Sql;
import dev.veil.server.testing.TestDatabases;
import dev.veil.server.testing.TestDatabase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Many buyers querying one listing at once, against the real database (SQLite, and PostgreSQL where
 * one answers): no buyer exceeds the per-buyer limits, all together never exceed the listing's
 * total, and what is counted is exactly what was granted.
 */
class QueryBudgetsConcurrencyTest {
  private static final int BUYERS = 8;
  private static final int THREADS = 16;
  private static final int TRIES_PER_THREAD = 12;
  private static final long ROWS = 7;
  private static final BudgetLimits LIMITS = new BudgetLimits(5, 30, 150);

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void concurrentBuyersNeverExceedThePerBuyerOrTotalLimits(TestDatabase.Kind kind)
      throws Exception {
    try (TestDatabase db = TestDatabase.open(kind)) {
      db.jdbi().useHandle(h -> {
        h.execute("INSERT INTO users (id, username, password_hash, roles, created_at) VALUES"
            + " ('usr_seller', 'seller', 'x', 'MODEL_SELLER', " + TestDatabases.NOW + ")");
        h.execute("INSERT INTO models (id, seller_id, name, description, task, features,"
            + " input_schema, price_per_prediction, max_queries, max_rows, listed,"
            + " sealed_weights, weights_key_id, created_at, updated_at, max_rows_total,"
            + " flooding_rows) VALUES ('mdl_1', 'usr_seller', 'm', '', 'logistic', 2, '{}', 1,"
            + " 5, 30, TRUE, 'x', 'k', " + TestDatabases.NOW + ", " + TestDatabases.NOW + ", 150, 150)");
      });
      QueryBudgets budgets = new QueryBudgets(db.jdbi(), Clock.systemUTC());
      AtomicLongArray granted = new AtomicLongArray(BUYERS);
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < TRIES_PER_THREAD; i++) {
            int b = (thread + i) % BUYERS;
            try {
              Sql.inTransaction(db.jdbi(), h -> budgets.consume(h, "usr_b" + b, "mdl_1", ROWS,
                  LIMITS));
              granted.incrementAndGet(b);
            } catch (ServiceException e) {
              assertThat(e.status()).as(e.getMessage()).isEqualTo(429);
            }
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
      pool.shutdown();
      long grantedAll = 0;
      for (int b = 0; b < BUYERS; b++) {
        BudgetUsage u = budgets.usage("usr_b" + b, "mdl_1");
        assertThat(u.queries()).isEqualTo(granted.get(b)).isLessThanOrEqualTo(5);
        assertThat(u.rows()).isEqualTo(granted.get(b) * ROWS).isLessThanOrEqualTo(30);
        grantedAll += granted.get(b);
      }
      BudgetUsage total = budgets.total("mdl_1");
      assertThat(total.rows()).isEqualTo(grantedAll * ROWS).isLessThanOrEqualTo(150);
      assertThat(total.queries()).isEqualTo(grantedAll);
      // 192 tries against 8 buyers x 4 queries (30 rows / 7) = 32 allowed, 150 / 7 = 21 in total
      assertThat(grantedAll).isEqualTo(21);
    }
  }
}
