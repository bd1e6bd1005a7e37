package dev.veil.server.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.server.testing.TestServer;
import dev.veil.server.testing.TestServer.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sixteen concurrent deposits with one {@code Idempotency-Key}: one transaction, one audit record
 * (a replay writes none), and the audit's deposit sum equals the balance.
 */
class DepositReplayHttpTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  @Test
  void sixteenConcurrentReplaysMakeOneTransactionAndOneAuditRecord() throws Exception {
    try (TestServer server = new TestServer(TestServer.config(dir).build())) {
      server.user("buyer", "BUYER");
      String op = server.login("operator", "operator-password");
      String body = JSON.writeValueAsString(Map.of("username", "buyer", "amount", 700));
      int n = 16;
      ExecutorService pool = Executors.newFixedThreadPool(n);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Response>> answers = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        answers.add(pool.submit(() -> {
          go.await();
          return server.send("POST", "/api/deposits", op, "application/json",
              HttpRequest.BodyPublishers.ofString(body), Map.of("Idempotency-Key", "pay-1"));
        }));
      }
      go.countDown();
      List<String> ids = new ArrayList<>();
      for (Future<Response> f : answers) {
        ids.add(TestServer.expect(f.get(60, TimeUnit.SECONDS), 201).json().get("id").asText());
      }
      pool.shutdown();
      assertThat(ids).containsOnly(ids.get(0));

      JsonNode records = TestServer.expect(server.get("/api/audit?limit=1000", op), 200).json()
          .get("records");
      long deposits = 0;
      long sum = 0;
      for (JsonNode r : records) {
        if (r.get("action").asText().equals("ledger.deposit")) {
          deposits++;
          sum += r.get("details").get("amount").asLong();
        }
      }
      assertThat(deposits).isEqualTo(1);
      String buyer = server.login("buyer", TestServer.PASSWORD);
      long available = TestServer.expect(server.get("/api/balance", buyer), 200).json()
          .get("available").asLong();
      assertThat(sum).isEqualTo(available).isEqualTo(700);
    }
  }
}
