package dev.veil.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Map;

import dev.veil.server.core.Ids;
import dev.veil.server.testing.TestCrypto;
import dev.veil.server.testing.TestServer;
import dev.veil.server.testing.TestDatabases;
import dev.veil.server.testing.TestServer.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deleting what others depend on: a key set goes only once no data set, input, unended job or
 * pending hand-over uses it (409 naming them otherwise); a data set not while training jobs on it
 * are queued, running or waiting for their hand-over. Each deletion is audited.
 */
class DeletionsHttpTest {
  @TempDir static Path dir;
  static TestServer server;
  static String alice;
  static String aliceId;
  static String bob;

  @BeforeAll
  static void start() {
    server = new TestServer(TestServer.config(dir).build());
    alice = server.user("alice", "DATA_OWNER", "BUYER");
    aliceId = server.get("/api/me", alice).json().get("id").asText();
    bob = server.user("bob", "DATA_OWNER", "BUYER");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** A job written directly, placed on a listing no worker serves (nothing claims it). */
  static String job(String owner, String kind, String state, long price, String parameters) {
    String id = Ids.next("job");
    server.app().database().jdbi().useHandle(h -> h.createUpdate("INSERT INTO jobs (id,"
            + " owner_id, kind, state, stage, progress, parameters, request_hash, price,"
            + " attempts, max_attempts, cancel_requested, placement, created_at, updated_at)"
            + " VALUES (:id, :owner, :kind, :state, 'x', 0, :params, 'h', :price, 0, 3, FALSE,"
            + " 'mdl_nobody', " + TestDatabases.NOW + ", " + TestDatabases.NOW + ")")
        .bind("id", id).bind("owner", owner).bind("kind", kind).bind("state", state)
        .bind("price", price).bind("params", parameters).execute());
    return id;
  }

  static void setState(String job, String state) {
    server.app().database().jdbi().useHandle(h -> h.createUpdate("UPDATE jobs SET state = :s"
        + " WHERE id = :id").bind("s", state).bind("id", job).execute());
  }

  static String lastAction(String subject) {
    return server.app().database().jdbi().withHandle(h -> h.createQuery("SELECT action FROM"
            + " audit_log WHERE subject = :s ORDER BY seq DESC").bind("s", subject)
        .mapTo(String.class).first());
  }

  @Test
  void aKeySetIsDeletedOnlyOnceNoDataSetInputOrUnendedJobUsesIt() {
    // a user of their own: an input names the oldest of its owner's key sets of its parameters
    String carol = server.user("carol", "DATA_OWNER", "BUYER");
    String carolId = server.get("/api/me", carol).json().get("id").asText();
    String ks = server.keySet(carol);
    String ds = server.dataset(carol, ks, 1, false);
    assertThat(server.delete("/api/keys/" + ks, bob).status()).isEqualTo(404);

    Response byDataset = server.delete("/api/keys/" + ks, carol);
    assertThat(byDataset.status()).isEqualTo(409);
    assertThat(byDataset.error()).isEqualTo("in_use");
    assertThat(byDataset.json().get("message").asText()).contains("data set " + ds);
    TestServer.expect(server.delete("/api/datasets/" + ds, carol), 204);

    String input = TestServer.expect(server.send("POST", "/api/inputs", carol,
        "application/octet-stream", HttpRequest.BodyPublishers.ofByteArray(
            TestCrypto.ciphertext(1)), Map.of()), 201).json().get("id").asText();
    assertThat(server.delete("/api/keys/" + ks, carol).json().get("message").asText())
        .contains("input " + input);
    TestServer.expect(server.delete("/api/inputs/" + input, carol), 204);

    String job = job(carolId, "INFERENCE", "QUEUED", 0, "{\"keySetId\":\"" + ks + "\"}");
    Response byJob = server.delete("/api/keys/" + ks, carol);
    assertThat(byJob.status()).isEqualTo(409);
    assertThat(byJob.json().get("message").asText()).contains(job);
    setState(job, "SUCCEEDED");

    TestServer.expect(server.delete("/api/keys/" + ks, carol), 204);
    assertThat(server.get("/api/keys/" + ks, carol).status()).isEqualTo(404);
    assertThat(server.delete("/api/keys/" + ks, carol).status()).isEqualTo(404);
    assertThat(lastAction(ks)).isEqualTo("keys.delete");
  }

  @Test
  void aKeySetAPendingHandOverDeliversToCannotBeDeleted() {
    String ks = server.keySet(bob);
    String job = job(aliceId, "TRAINING", "HANDOVER_PENDING", 100,
        "{\"datasetId\":\"ds_elsewhere\",\"handoverKeySetId\":\"" + ks + "\"}");
    Response r = server.delete("/api/keys/" + ks, bob);
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.json().get("message").asText()).contains(job);
    setState(job, "SUCCEEDED");
    TestServer.expect(server.delete("/api/keys/" + ks, bob), 204);
  }

  @Test
  void aDataSetWithPaidTrainingQueuedRunningOrPendingHandOverCannotBeDeleted() {
    String ks = server.keySet(alice);
    String ds = server.dataset(alice, ks, 1, true);
    server.uploadAll(alice, ds, 1);
    String bobId = server.get("/api/me", bob).json().get("id").asText();
    String paid = job(bobId, "TRAINING", "QUEUED", 100, "{\"datasetId\":\"" + ds
        + "\",\"keySetId\":\"" + ks + "\"}");
    for (String state : new String[] {"QUEUED", "RUNNING", "HANDOVER_PENDING"}) {
      setState(paid, state);
      Response r = server.delete("/api/datasets/" + ds, alice);
      assertThat(r.status()).as(state + ": " + r).isEqualTo(409);
      assertThat(r.error()).isEqualTo("in_use");
      assertThat(r.json().get("message").asText()).contains(paid);
      assertThat(server.get("/api/datasets/" + ds, alice).status()).isEqualTo(200);
    }
    setState(paid, "SUCCEEDED");
    TestServer.expect(server.delete("/api/datasets/" + ds, alice), 204);
    assertThat(server.get("/api/datasets/" + ds, alice).status()).isEqualTo(404);
    assertThat(lastAction(ds)).isEqualTo("dataset.delete");
  }
}
