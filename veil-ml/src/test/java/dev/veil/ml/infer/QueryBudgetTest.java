package dev.veil.ml.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class QueryBudgetTest {
  @Test
  void countsQueriesAndRowsPerBuyerAndModel() {
    QueryBudget b = new QueryBudget(3, 100);
    assertThat(b.charge("alice", "m1", 40)).isEqualTo(new QueryBudget.Usage(1, 40));
    b.charge("alice", "m1", 50);
    b.charge("alice", "m2", 100); // another model: its own budget
    b.charge("bob", "m1", 100); // another buyer: his own budget
    assertThat(b.used("alice", "m1")).isEqualTo(new QueryBudget.Usage(2, 90));
    assertThat(b.remainingRows("alice", "m1")).isEqualTo(10);
    assertThat(b.remainingQueries("alice", "m1")).isEqualTo(1);
  }

  @Test
  void refusesBeyondTheRowBudgetWithoutCharging() {
    QueryBudget b = new QueryBudget(10, 100);
    b.charge("alice", "m1", 90);
    assertThatThrownBy(() -> b.charge("alice", "m1", 11))
        .isInstanceOf(QueryBudgetExceededException.class)
        .hasMessageContaining("row budget exceeded").hasMessageContaining("alice")
        .hasMessageContaining("m1").hasMessageContaining("10 left");
    assertThat(b.used("alice", "m1")).isEqualTo(new QueryBudget.Usage(1, 90));
    b.charge("alice", "m1", 10); // exactly the rest is fine
    assertThat(b.remainingRows("alice", "m1")).isZero();
  }

  @Test
  void refusesBeyondTheQueryBudget() {
    QueryBudget b = new QueryBudget(2, 1000);
    b.charge("alice", "m1", 1);
    b.charge("alice", "m1", 1);
    assertThatThrownBy(() -> b.charge("alice", "m1", 1))
        .isInstanceOf(QueryBudgetExceededException.class)
        .hasMessageContaining("query budget exhausted").hasMessageContaining("2 of the 2");
    assertThatThrownBy(() -> b.charge("alice", "m1", 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void restoredUsageCountsAndConcurrentChargesNeverOvershoot() throws Exception {
    QueryBudget b = new QueryBudget(1_000, 500);
    b.restore("alice", "m1", new QueryBudget.Usage(5, 400));
    assertThat(b.remainingRows("alice", "m1")).isEqualTo(100);
    AtomicInteger accepted = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    for (int i = 0; i < 200; i++) {
      pool.submit(() -> {
        try {
          b.charge("alice", "m1", 1);
          accepted.incrementAndGet();
        } catch (QueryBudgetExceededException e) {
          // expected once the budget is spent
        }
      });
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(accepted.get()).isEqualTo(100);
    assertThat(b.used("alice", "m1")).isEqualTo(new QueryBudget.Usage(105, 500));
  }
}
