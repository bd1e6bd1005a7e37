package dev.veil.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.veil.server.blob.FileBlobStore;
import dev.veil.server.core.Ids;
import dev.veil.server.testing.Await;
import dev.veil.server.testing.TestCrypto;
import dev.veil.server.testing.TestServer;
import dev.veil.server.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What uploads and jobs leave behind is cleaned up: blobs no row references (a part uploaded
 * again, a deleted input) go once older than the grace, at start and periodically, while
 * referenced and young blobs stay; scratch directories of jobs killed with their process go at
 * the next start.
 */
class LeftoversHttpTest {
  @TempDir Path dir;
  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private TestServer start() {
    server = new TestServer(TestServer.config(dir).build());
    return server;
  }

  private Path blob(byte[] content) {
    String sha = TestCrypto.sha256(content);
    return dir.resolve("blobs").resolve(sha.substring(0, 2)).resolve(sha.substring(2));
  }

  private TestServer.Response input(String token, byte[] body) {
    return server.send("POST", "/api/inputs", token, "application/octet-stream",
        HttpRequest.BodyPublishers.ofByteArray(body), Map.of());
  }

  /** Makes every stored blob look two days old. */
  private void ageBlobs() throws IOException {
    FileTime old = FileTime.from(Instant.now().minus(Duration.ofDays(2)));
    try (Stream<Path> s = Files.walk(dir.resolve("blobs"))) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        Files.setLastModifiedTime(p, old);
      }
    }
  }

  @Test
  void unreferencedBlobsOlderThanTheGraceAreCollectedAtStartAndReferencedOrYoungOnesStay()
      throws Exception {
    start();
    String alice = server.user("alice", "DATA_OWNER", "BUYER");
    String keySet = server.keySet(alice);
    String ds = server.dataset(alice, keySet, 1, false);
    byte[] replaced = TestCrypto.ciphertext(1);
    byte[] kept = TestCrypto.ciphertext(2);
    byte[] deletedInput = TestCrypto.ciphertext(3);
    byte[] queuedInput = TestCrypto.ciphertext(4);
    TestServer.expect(server.upload("/api/datasets/" + ds + "/parts/0", alice, replaced, null),
        200);
    TestServer.expect(server.upload("/api/datasets/" + ds + "/parts/0", alice, kept, null), 200);
    String in = TestServer.expect(input(alice, deletedInput), 201).json().get("id").asText();
    TestServer.expect(server.delete("/api/inputs/" + in, alice), 204);
    // a queued job names an input's blob whose row is gone: the job still protects it
    String queued = TestServer.expect(input(alice, queuedInput), 201).json().get("id")
        .asText();
    String aliceId = server.get("/api/me", alice).json().get("id").asText();
    server.app().database().jdbi().useHandle(h -> {
      h.createUpdate("INSERT INTO jobs (id, owner_id, kind, state, stage, progress, parameters,"
              + " request_hash, price, attempts, max_attempts, cancel_requested, placement,"
              + " created_at, updated_at) VALUES (:id, :owner, 'INFERENCE', 'QUEUED', 'queued',"
              + " 0, :params, 'h', 0, 0, 3, FALSE, 'mdl_nobody', " + TestDatabases.NOW + ","
              + " " + TestDatabases.NOW + ")")
          .bind("id", Ids.next("job")).bind("owner", aliceId)
          .bind("params", "{\"inputId\":\"" + queued + "\",\"inputSha256\":\""
              + TestCrypto.sha256(queuedInput) + "\"}").execute();
      h.createUpdate("DELETE FROM job_inputs WHERE id = :id").bind("id", queued).execute();
    });
    server.close();
    server = null;

    ageBlobs();
    byte[] young = "an upload whose row is about to be written".getBytes();
    new FileBlobStore(dir.resolve("blobs")).put(new ByteArrayInputStream(young), 1024, null);
    assertThat(blob(replaced)).exists();
    assertThat(blob(deletedInput)).exists();

    start();
    Await.until("the collection at start", Duration.ofSeconds(20),
        () -> !Files.exists(blob(replaced)) && !Files.exists(blob(deletedInput)));
    assertThat(blob(kept)).exists();
    assertThat(blob(queuedInput)).exists();
    assertThat(blob(young)).exists();
    for (byte[] key : List.of(TestCrypto.PARAMS_BIN, TestCrypto.PUBLIC_KEY,
        TestCrypto.EVALUATION_KEYS)) {
      assertThat(blob(key)).exists();
    }
    // what is referenced still reads
    TestServer.expect(server.post("/api/datasets/" + ds + "/complete", alice, "{}"), 200);
    assertThat(server.get("/api/keys/" + keySet, alice).json().get("complete").asBoolean())
        .isTrue();
  }

  @Test
  void storingTheBytesOfAnOldUnreferencedBlobAgainMakesItYoungSoTheCollectorKeepsIt()
      throws Exception {
    Path root = dir.resolve("store");
    FileBlobStore store = new FileBlobStore(root);
    byte[] bytes = "the same bytes twice".getBytes();
    String sha = store.put(new ByteArrayInputStream(bytes), 1024, null).sha256();
    Instant cutoff = Instant.now().plusSeconds(1);
    Path file = root.resolve(sha.substring(0, 2)).resolve(sha.substring(2));
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
    store.put(new ByteArrayInputStream(bytes), 1024, null); // a new reference is on its way
    assertThat(store.deleteIfStoredBefore(sha, Instant.now().minus(Duration.ofHours(1))))
        .isFalse();
    assertThat(file).exists();
    assertThat(store.deleteIfStoredBefore(sha, cutoff)).isTrue();
    assertThat(file).doesNotExist();
  }

  @Test
  void scratchDirectoriesOfJobsKilledWithTheirProcessAreRemovedAtTheNextStart()
      throws Exception {
    start();
    server.close();
    server = null;
    Path work = dir.resolve("work");
    Path empty = Files.createDirectories(work.resolve(Ids.next("job") + "-123"));
    Path full = Files.createDirectories(work.resolve(Ids.next("job") + "-456"));
    Files.writeString(Files.createDirectories(full.resolve("sub")).resolve("x"), "partial");

    start();
    assertThat(empty).doesNotExist();
    assertThat(full).doesNotExist();
    assertThat(work).isDirectory();
  }
}
