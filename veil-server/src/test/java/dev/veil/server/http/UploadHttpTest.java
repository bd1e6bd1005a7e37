package dev.veil.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.veil.server.testing.TestCrypto;
import dev.veil.server.testing.TestServer;
import dev.veil.server.testing.TestServer.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streamed uploads over real HTTP, with the upload limit set to the size of the test evaluation
 * keys: oversized, truncated, chunked, mislabelled and secret uploads leave no blob and no row.
 */
class UploadHttpTest {
  @TempDir static Path dir;
  static TestServer server;
  static String owner;
  static String keySet;
  static final long LIMIT = TestCrypto.EVALUATION_KEYS.length;

  @BeforeAll
  static void start() {
    // JSON bodies limited to 1 KiB (Javalin's maxRequestSize): uploads, far bigger, stream past it
    server = new TestServer(TestServer.config(dir).maxUploadBytes(LIMIT).maxJsonBytes(1024)
        .build());
    owner = server.user("uploader", "DATA_OWNER");
    keySet = server.keySet(owner);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** Every file of the blob store, temporary ones included. */
  private static List<Path> blobFiles() throws IOException {
    try (Stream<Path> s = Files.walk(dir.resolve("blobs"))) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  private static List<Path> tmpFiles() throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve("blobs").resolve("tmp"))) {
      return s.toList();
    }
  }

  interface Condition {
    boolean holds() throws IOException;
  }

  private static void waitFor(Condition c, String what) throws Exception {
    long deadline = System.currentTimeMillis() + 10_000;
    while (!c.holds()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  private static String newKeySet() {
    Response r = server.post("/api/keys", owner, Map.of("name", "k",
        "params", TestCrypto.base64(TestCrypto.PARAMS_BIN)));
    return TestServer.expect(r, 201).json().get("id").asText();
  }

  @Test
  void aSecretKeyUploadedAsEvaluationKeysIs400AndStoresNothing() throws IOException {
    String ks = newKeySet();
    List<Path> before = blobFiles();
    Response r = server.upload("/api/keys/" + ks + "/evaluation", owner, TestCrypto.SECRET_KEY,
        null);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).isEqualTo("secret_key_refused");
    assertThat(r.json().get("message").asText()).contains("secret key", "nothing was stored");
    assertThat(blobFiles()).isEqualTo(before);
    assertThat(server.get("/api/keys/" + ks, owner).json().get("evaluationKeys").isNull())
        .isTrue();
  }

  private static Response postInput(byte[] body, String sha256) {
    return server.send("POST", "/api/inputs", owner, "application/octet-stream",
        HttpRequest.BodyPublishers.ofByteArray(body), Map.of());
  }

  @Test
  void inputsAreCheckedAsCiphertextsOfTheUploadersKeySetsAndSecretKeysAreRefused()
      throws IOException {
    List<Path> before = blobFiles();
    Response secret = postInput( TestCrypto.SECRET_KEY, null);
    assertThat(secret.status()).isEqualTo(400);
    assertThat(secret.error()).isEqualTo("secret_key_refused");
    byte[] ct = TestCrypto.ciphertext(1);
    byte[] ctThenSecret = Arrays.copyOf(ct, ct.length + TestCrypto.SECRET_KEY.length);
    System.arraycopy(TestCrypto.SECRET_KEY, 0, ctThenSecret, ct.length,
        TestCrypto.SECRET_KEY.length);
    Response second = postInput( ctThenSecret, null);
    assertThat(second.status()).isEqualTo(400);
    assertThat(second.error()).isEqualTo("secret_key_refused");
    Response junk = postInput( "not a ciphertext".getBytes(
        StandardCharsets.UTF_8), null);
    assertThat(junk.status()).isEqualTo(400);
    Response other = postInput( TestCrypto.otherCiphertext(), null);
    assertThat(other.status()).isEqualTo(400);
    assertThat(other.json().get("message").asText()).contains("none of your key sets");
    Response truncated = postInput( Arrays.copyOf(ct, ct.length - 1),
        null);
    assertThat(truncated.status()).isEqualTo(400);
    Response empty = postInput( new byte[0], null);
    assertThat(empty.status()).isEqualTo(400);
    assertThat(blobFiles()).isEqualTo(before); // not even a 0-byte blob
    byte[] two = Arrays.copyOf(ct, 2 * ct.length);
    System.arraycopy(ct, 0, two, ct.length, ct.length);
    TestServer.expect(postInput( two, null), 201);
  }

  @Test
  void anUploadAnnouncedOverTheLimitIs413AtOnce() throws IOException {
    String ds = server.dataset(owner, keySet, 1, false);
    List<Path> before = blobFiles();
    byte[] big = new byte[(int) LIMIT + 1];
    Response r = server.upload("/api/datasets/" + ds + "/parts/0", owner, big, null);
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.error()).isEqualTo("too_large");
    assertThat(blobFiles()).isEqualTo(before);
    assertThat(server.get("/api/datasets/" + ds + "/parts", owner).json().get("parts"))
        .isEmpty();
  }

  @Test
  void aChunkedUploadIsLimitedWhileItStreams() throws IOException {
    String ks = newKeySet();
    List<Path> before = blobFiles();
    byte[] over = Arrays.copyOf(TestCrypto.EVALUATION_KEYS, (int) LIMIT + 10);
    Response r = server.send("PUT", "/api/keys/" + ks + "/evaluation", owner,
        "application/octet-stream",
        HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(over)),
        Map.of());
    assertThat(r.status()).isEqualTo(413);
    assertThat(blobFiles()).isEqualTo(before);
    // exactly at the limit, chunked, is fine
    r = server.send("PUT", "/api/keys/" + ks + "/evaluation", owner, "application/octet-stream",
        HttpRequest.BodyPublishers.ofInputStream(
            () -> new ByteArrayInputStream(TestCrypto.EVALUATION_KEYS)), Map.of());
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("evaluationKeys").path("size").asLong()).isEqualTo(LIMIT);
  }

  @Test
  void aWrongDigestIs400AndStoresNothing() throws IOException {
    String ds = server.dataset(owner, keySet, 1, false);
    List<Path> before = blobFiles();
    byte[] ct = TestCrypto.ciphertext(7);
    Response r = server.upload("/api/datasets/" + ds + "/parts/0", owner, ct,
        TestCrypto.sha256(TestCrypto.ciphertext(8)));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("message").asText()).contains("digest mismatch");
    assertThat(blobFiles()).isEqualTo(before);
    r = server.upload("/api/datasets/" + ds + "/parts/0", owner, ct, TestCrypto.sha256(ct)
        .toUpperCase());
    assertThat(r.status()).isEqualTo(200);
  }

  @Test
  void aTruncatedUploadLeavesNoBlobAndNoPart() throws Exception {
    String ds = server.dataset(owner, keySet, 1, false);
    List<Path> before = blobFiles();
    byte[] ct = TestCrypto.ciphertext(3);
    URI u = URI.create(server.url());
    try (Socket s = new Socket(u.getHost(), u.getPort())) {
      OutputStream out = s.getOutputStream();
      out.write(("PUT /api/datasets/" + ds + "/parts/0 HTTP/1.1\r\n"
          + "Host: " + u.getHost() + "\r\n"
          + "Authorization: Bearer " + owner + "\r\n"
          + "Content-Type: application/octet-stream\r\n"
          + "Content-Length: " + ct.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(ct, 0, ct.length / 2);
      out.flush();
      // the server streams into a temporary file before the body is complete
      waitFor(() -> !tmpFiles().isEmpty(), "a temporary file while the body streams");
    } // the connection closes half-way through the body
    // the server notices the broken body, discards what it had and answers (to nobody)
    waitFor(() -> blobFiles().equals(before), "the temporary file to go");
    assertThat(tmpFiles()).isEmpty();
    assertThat(server.get("/api/datasets/" + ds + "/parts", owner).json().get("parts"))
        .isEmpty();
    // and the part can be uploaded again
    assertThat(server.upload("/api/datasets/" + ds + "/parts/0", owner, ct, null).status())
        .isEqualTo(200);
  }

  @Test
  void aFullUploadStoresEachPartOnceAndCompletes() throws IOException {
    String ds = server.dataset(owner, keySet, 3, true);
    server.uploadAll(owner, ds, 3);
    Response d = server.get("/api/datasets/" + ds, owner);
    assertThat(d.json().get("state").asText()).isEqualTo("READY");
    assertThat(d.json().get("partsUploaded").asInt()).isEqualTo(3);
    Response parts = server.get("/api/datasets/" + ds + "/parts", owner);
    assertThat(parts.json().get("missingCount").asInt()).isZero();
    for (var p : parts.json().get("parts")) {
      String sha = p.get("sha256").asText();
      assertThat(dir.resolve("blobs").resolve(sha.substring(0, 2)).resolve(sha.substring(2)))
          .exists().hasSize(p.get("size").asLong());
    }
  }
}
