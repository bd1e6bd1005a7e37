package dev.veil.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veil.server.core.Ids;
import dev.veil.server.db.Sql;
import dev.veil.server.testing.TestCrypto;
import dev.veil.server.testing.TestServer;
import dev.veil.server.testing.TestServer.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every list route pages with cursors: followed with {@code limit=1} it yields every item once,
 * in the order of one big page, even when items share their creation time; {@code limit} has a
 * maximum and a cursor the server did not make is refused.
 */
class PaginationHttpTest {
  static final int N = 3;
  static final Instant SAME = Instant.parse("2026-01-01T00:00:00Z");
  @TempDir static Path dir;
  static TestServer server;
  static String alice;
  static String operator;
  static String dataset;

  @BeforeAll
  static void start() {
    server = new TestServer(TestServer.config(dir).build());
    alice = server.user("alice", "DATA_OWNER", "BUYER", "MODEL_SELLER");
    operator = server.login("operator", "operator-password");
    String aliceId = server.get("/api/me", alice).json().get("id").asText();
    String complete = server.keySet(alice);
    for (int i = 0; i < N; i++) {
      TestServer.expect(server.post("/api/keys", alice, Map.of("name", "k" + i,
          "params", TestCrypto.base64(TestCrypto.PARAMS_BIN))), 201);
      TestServer.expect(server.post("/api/tokens", alice, Map.of("name", "t" + i)), 201);
      TestServer.expect(server.post("/api/workers", alice, Map.of("name", "w" + i,
          "training", true)), 201);
      TestServer.expect(server.post("/api/models", alice, Map.of("name", "m" + i,
          "pricePerPrediction", 1, "maxQueriesPerBuyer", 5, "maxRowsPerBuyer", 100,
          "listed", false, "model", Map.of("format", "veil-model/1", "model", "logistic",
              "featureNames", List.of("a"), "scaler", Map.of("kind", "MIN_MAX", "offsets",
                  List.of(0), "scales", List.of(1))))), 201);
      server.dataset(alice, complete, 1, false);
    }
    dataset = server.dataset(alice, complete, N, false);
    server.uploadAll(alice, dataset, N);
    // jobs and hand-overs that share one creation time: the id breaks the tie
    server.app().database().jdbi().useHandle(h -> {
      for (int i = 0; i < N; i++) {
        String job = Ids.next("job");
        h.createUpdate("INSERT INTO jobs (id, owner_id, kind, state, stage, progress,"
                + " parameters, request_hash, price, attempts, max_attempts, cancel_requested,"
                + " placement, created_at, updated_at) VALUES (:id, :owner, 'TRAINING',"
                + " 'HANDOVER_PENDING', 'x', 100, '{}', 'h', 0, 1, 3, FALSE, 'mdl_nobody',"
                + " :t, :t)")
            .bind("id", job).bind("owner", aliceId).bind("t", Sql.time(SAME)).execute();
        h.createUpdate("INSERT INTO handovers (job_id, dataset_owner_id, builder_id,"
                + " builder_key_set_id, masked_sha256, masked_size, ciphertexts, mask_seed,"
                + " result_info, state, deadline, created_at) VALUES (:job, :owner, :owner,"
                + " 'ks_x', :sha, 1, 1, 'seed', '{}', 'PENDING', :deadline, :t)")
            .bind("job", job).bind("owner", aliceId).bind("sha", "0".repeat(64))
            .bind("deadline", Sql.time(SAME.plus(Duration.ofDays(365 * 50))))
            .bind("t", Sql.time(SAME)).execute();
      }
    });
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** The ids of every page of {@code path} with {@code limit}, and how many pages there were. */
  record Walk(List<String> ids, int pages) {}

  static Walk walk(String path, String token, String field, String idField, int limit) {
    List<String> ids = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      String sep = path.contains("?") ? "&" : "?";
      Response r = TestServer.expect(server.get(path + sep + "limit=" + limit
          + (cursor == null ? "" : "&cursor=" + java.net.URLEncoder.encode(cursor,
              java.nio.charset.StandardCharsets.UTF_8)), token), 200);
      JsonNode items = r.json().get(field);
      items.forEach(n -> ids.add(n.get(idField).asText()));
      assertThat(items.size()).as(path).isLessThanOrEqualTo(limit);
      assertThat(r.json().has("nextCursor")).as(path + " answers nextCursor").isTrue();
      JsonNode next = r.json().get("nextCursor");
      cursor = next.isNull() ? null : next.asText();
      pages++;
      assertThat(pages).as(path + " ends").isLessThan(10_000);
    } while (cursor != null);
    return new Walk(ids, pages);
  }

  static void pagesCoverTheList(String path, String token, String field, String idField,
      int atLeast) {
    Walk all = walk(path, token, field, idField, 500);
    assertThat(all.pages()).as(path).isEqualTo(1);
    assertThat(all.ids()).as(path).hasSizeGreaterThanOrEqualTo(atLeast).doesNotHaveDuplicates();
    Walk one = walk(path, token, field, idField, 1);
    assertThat(one.ids()).as(path + " one at a time").containsExactlyElementsOf(all.ids());
    assertThat(one.pages()).as(path).isBetween(all.ids().size(), all.ids().size() + 1);
  }

  @Test
  void everyListRouteYieldsEveryItemOnceAcrossItsPages() {
    pagesCoverTheList("/api/keys", alice, "keySets", "id", N + 1);
    pagesCoverTheList("/api/datasets", alice, "datasets", "id", N + 1);
    pagesCoverTheList("/api/datasets/" + dataset + "/parts", alice, "parts", "index", N);
    pagesCoverTheList("/api/models", alice, "models", "id", N);
    pagesCoverTheList("/api/models?mine=true", alice, "models", "id", N);
    pagesCoverTheList("/api/tokens", alice, "tokens", "id", N + 1);
    pagesCoverTheList("/api/workers", alice, "workers", "id", N);
    pagesCoverTheList("/api/jobs", alice, "jobs", "id", N);
    pagesCoverTheList("/api/handovers", alice, "handovers", "jobId", N);
    pagesCoverTheList("/api/inputs", alice, "inputs", "id", 0);
    pagesCoverTheList("/api/audit", operator, "records", "seq", 10);
    TestServer.expect(server.post("/api/audit/checkpoints", operator, "{}"), 200);
    pagesCoverTheList("/api/audit/checkpoints", operator, "checkpoints", "id", 1);
  }

  @Test
  void theLimitHasAMaximumAndForeignCursorsAreRefused() {
    for (String path : List.of("/api/keys", "/api/datasets", "/api/models", "/api/tokens",
        "/api/workers", "/api/jobs", "/api/handovers", "/api/inputs")) {
      assertThat(server.get(path + "?limit=501", alice).status()).as(path).isEqualTo(400);
      assertThat(server.get(path + "?limit=0", alice).status()).as(path).isEqualTo(400);
      Response bad = server.get(path + "?cursor=not-a-cursor", alice);
      assertThat(bad.status()).as(path).isEqualTo(400);
      assertThat(bad.json().get("message").asText()).as(path).contains("cursor");
    }
    assertThat(server.get("/api/datasets/" + dataset + "/parts?cursor=x", alice).status())
        .isEqualTo(400);
    assertThat(server.get("/api/audit?cursor=x", operator).status()).isEqualTo(400);
  }
}
