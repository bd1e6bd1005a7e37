package dev.veil.server.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.veil.server.app.StorageLimits;
import dev.veil.server.core.Ids;
import dev.veil.server.testing.TestCrypto;
import dev.veil.server.testing.TestServer;
import dev.veil.server.testing.TestDatabases;
import dev.veil.server.testing.TestServer.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs over HTTP: a user holds at most the configured number of inputs and bytes (a clear 4xx
 * naming the limit, nothing recorded), deletes their own (not while a queued or running job reads
 * it; never another user's), and lists them in cursor pages.
 */
class InputsHttpTest {
  @TempDir Path dir;
  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private TestServer start(int maxInputs, long maxBytes) {
    server = new TestServer(TestServer.config(dir).storageLimits(StorageLimits.defaults()
        .withMaxInputsPerUser(maxInputs).withMaxInputBytesPerUser(maxBytes)).build());
    return server;
  }

  private Response upload(String token, byte[] body) {
    return server.send("POST", "/api/inputs", token, "application/octet-stream",
        HttpRequest.BodyPublishers.ofByteArray(body), Map.of());
  }

  private int inputRows(String userId) {
    return server.app().database().jdbi().withHandle(h -> h.createQuery(
        "SELECT COUNT(*) FROM job_inputs WHERE owner_id = :o").bind("o", userId)
        .mapTo(Integer.class).one());
  }

  private String userId(String token) {
    return server.get("/api/me", token).json().get("id").asText();
  }

  @Test
  void aUserHoldsAtMostTheConfiguredNumberOfInputs() {
    start(2, 1L << 30);
    String alice = server.user("alice", "BUYER");
    server.keySet(alice);
    byte[] ct = TestCrypto.ciphertext(1);
    TestServer.expect(upload(alice, ct), 201);
    TestServer.expect(upload(alice, ct), 201);
    Response third = upload(alice, ct);
    assertThat(third.status()).isEqualTo(409);
    assertThat(third.error()).isEqualTo("input_quota");
    assertThat(third.json().get("message").asText()).contains("you hold 2 inputs")
        .contains("(2, veil serve --max-inputs-per-user)");
    assertThat(inputRows(userId(alice))).isEqualTo(2);
    // another user has their own quota
    String bob = server.user("bob", "BUYER");
    server.keySet(bob);
    TestServer.expect(upload(bob, ct), 201);
  }

  @Test
  void aUserHoldsAtMostTheConfiguredBytesAndDeletingMakesRoom() {
    byte[] ct = TestCrypto.ciphertext(1);
    start(100, ct.length + ct.length / 2);
    String alice = server.user("alice", "BUYER");
    server.keySet(alice);
    String first = TestServer.expect(upload(alice, ct), 201).json().get("id").asText();
    Response second = upload(alice, ct);
    assertThat(second.status()).isEqualTo(413);
    assertThat(second.error()).isEqualTo("input_quota");
    assertThat(second.json().get("message").asText())
        .contains("your inputs hold " + ct.length + " bytes")
        .contains("over the " + (ct.length + ct.length / 2) + " bytes")
        .contains("--max-input-mb-per-user");
    assertThat(inputRows(userId(alice))).isEqualTo(1);

    TestServer.expect(server.delete("/api/inputs/" + first, alice), 204);
    assertThat(server.get("/api/inputs", alice).json().get("inputs").size()).isZero();
    TestServer.expect(upload(alice, ct), 201);
    String action = server.app().database().jdbi().withHandle(h -> h.createQuery(
        "SELECT action FROM audit_log WHERE subject = :s ORDER BY seq DESC").bind("s", first)
        .mapTo(String.class).first());
    assertThat(action).isEqualTo("inference.input.delete");
  }

  @Test
  void anInputAQueuedOrRunningJobReadsCannotBeDeletedAndOthersInputsAnswer404() {
    start(100, 1L << 30);
    String alice = server.user("alice", "BUYER");
    server.keySet(alice);
    String bob = server.user("bob", "BUYER");
    String input = TestServer.expect(upload(alice, TestCrypto.ciphertext(1)), 201).json()
        .get("id").asText();
    String job = insertJob(userId(alice), "QUEUED", "{\"modelId\":\"mdl_x\",\"inputId\":\""
        + input + "\"}");

    assertThat(server.delete("/api/inputs/" + input, bob).status()).isEqualTo(404);
    Response refused = server.delete("/api/inputs/" + input, alice);
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.json().get("message").asText()).contains(job);
    setState(job, "RUNNING");
    assertThat(server.delete("/api/inputs/" + input, alice).status()).isEqualTo(409);

    setState(job, "SUCCEEDED");
    TestServer.expect(server.delete("/api/inputs/" + input, alice), 204);
    assertThat(server.delete("/api/inputs/" + input, alice).status()).isEqualTo(404);
    assertThat(server.delete("/api/inputs/inp_nonsense", alice).status()).isEqualTo(404);
  }

  @Test
  void theInputListIsPagedWithCursorsAndAFollowerSeesEveryInputOnce() {
    start(100, 1L << 30);
    String alice = server.user("alice", "BUYER");
    server.keySet(alice);
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(TestServer.expect(upload(alice, TestCrypto.ciphertext(i)), 201).json().get("id")
          .asText());
    }
    List<String> seen = new java.util.ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      Response r = TestServer.expect(server.get("/api/inputs?limit=2"
          + (cursor == null ? "" : "&cursor=" + cursor), alice), 200);
      r.json().get("inputs").forEach(n -> seen.add(n.get("id").asText()));
      cursor = r.json().get("nextCursor").isNull() ? null : r.json().get("nextCursor").asText();
      pages++;
    } while (cursor != null);
    assertThat(pages).isEqualTo(3);
    assertThat(seen).containsExactlyInAnyOrderElementsOf(ids).doesNotHaveDuplicates();
    assertThat(server.get("/api/inputs?limit=501", alice).status()).isEqualTo(400);
    assertThat(server.get("/api/inputs?cursor=garbage!", alice).status()).isEqualTo(400);
  }

  /** A job written directly, placed on a listing no worker serves (nothing claims it). */
  private String insertJob(String owner, String state, String parameters) {
    String id = Ids.next("job");
    server.app().database().jdbi().useHandle(h -> h.createUpdate("INSERT INTO jobs (id,"
            + " owner_id, kind, state, stage, progress, parameters, request_hash, price,"
            + " attempts, max_attempts, cancel_requested, placement, created_at, updated_at)"
            + " VALUES (:id, :owner, 'INFERENCE', :state, 'queued', 0, :params, 'h', 0, 0, 3,"
            + " FALSE, 'mdl_nobody', " + TestDatabases.NOW + ", " + TestDatabases.NOW + ")")
        .bind("id", id).bind("owner", owner).bind("state", state).bind("params", parameters)
        .execute());
    return id;
  }

  private void setState(String job, String state) {
    server.app().database().jdbi().useHandle(h -> h.createUpdate("UPDATE jobs SET state = :s"
        + " WHERE id = :id").bind("s", state).bind("id", job).execute());
  }
}
