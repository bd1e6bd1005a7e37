package dev.veil.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upload bodies: digests computed in blocks, concatenated files, one-shot streams. */
class UploadTest {
  @TempDir Path dir;

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] readAll(Upload u) throws IOException {
    try (InputStream in = u.open()) {
      return in.readAllBytes();
    }
  }

  @Test
  void aFilesDigestIsComputedInBlocksBeforeSending() throws Exception {
    byte[] data = random(300_000, 1); // several 64 KiB blocks
    Path f = Files.write(dir.resolve("part.ct"), data);
    Upload u = Upload.of(f);
    assertThat(u.sha256()).contains(sha256(data));
    assertThat(u.length()).isEqualTo(data.length);
    assertThat(u.isRepeatable()).isTrue();
    assertThat(readAll(u)).isEqualTo(data);
    assertThat(readAll(u)).isEqualTo(data); // opened again for a retry
  }

  @Test
  void filesAreSentOneAfterTheOtherWithTheDigestOfTheWhole() throws Exception {
    byte[] a = random(70_000, 2);
    byte[] b = random(10, 3);
    byte[] c = random(100_000, 4);
    Upload u = Upload.ofFiles(List.of(Files.write(dir.resolve("a"), a),
        Files.write(dir.resolve("b"), b), Files.write(dir.resolve("c"), c)));
    byte[] all = new byte[a.length + b.length + c.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    System.arraycopy(c, 0, all, a.length + b.length, c.length);
    assertThat(u.length()).isEqualTo(all.length);
    assertThat(u.sha256()).contains(sha256(all));
    assertThat(readAll(u)).isEqualTo(all);
  }

  @Test
  void theHashingStreamDigestsAndCountsWhatPassesAndReportsProgress() throws Exception {
    byte[] data = random(200_000, 5);
    List<long[]> seen = new ArrayList<>();
    Digests.Hashing h = new Digests.Hashing(new ByteArrayInputStream(data),
        (done, total) -> seen.add(new long[] {done, total}), 1000, 201_000);
    byte[] buf = new byte[4096];
    assertThat(h.read()).isEqualTo(data[0] & 0xff);
    while (h.read(buf) > 0) {
      // drain
    }
    assertThat(h.count()).isEqualTo(data.length);
    assertThat(h.sha256()).isEqualTo(sha256(data));
    assertThat(h.skip(10)).isZero();
    assertThat(seen.get(seen.size() - 1)).containsExactly(201_000, 201_000);
  }

  @Test
  void aOneShotStreamHasNoDigestAndCannotBeSentTwice() throws Exception {
    Upload u = Upload.of(new ByteArrayInputStream(new byte[] {1, 2, 3}), 3);
    assertThat(u.sha256()).isEmpty();
    assertThat(u.isRepeatable()).isFalse();
    assertThat(readAll(u)).containsExactly(1, 2, 3);
    assertThatThrownBy(u::open).isInstanceOf(IOException.class).hasMessageContaining("twice");
    Upload withDigest = Upload.of(() -> new ByteArrayInputStream(new byte[0]), -1)
        .withSha256("AB".repeat(32));
    assertThat(withDigest.sha256()).contains("ab".repeat(32));
    assertThat(withDigest.length()).isEqualTo(-1);
  }

  @Test
  void badInputIsNamed() throws Exception {
    assertThatThrownBy(() -> Upload.of(dir.resolve("missing")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no such file");
    assertThatThrownBy(() -> Upload.of(dir)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a regular file");
    assertThatThrownBy(() -> Upload.ofFiles(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Upload.of(() -> null, 1).withSha256("xyz"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("64 hex digits");
    assertThat(VeilFiles.keyId(Files.write(dir.resolve("public.key"), new byte[] {1})))
        .isEqualTo(sha256(new byte[] {1}).substring(0, 16));
  }
}
