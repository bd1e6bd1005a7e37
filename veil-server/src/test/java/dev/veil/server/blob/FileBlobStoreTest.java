package dev.veil.server.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import dev.veil.server.blob.BlobStore.BlobRef;
import dev.veil.server.core.ServiceException;
import dev.veil.server.testing.TestCrypto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileBlobStoreTest {
  @TempDir Path dir;

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Every regular file under the store's root, temporary ones included. */
  private List<Path> files() throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  /** A stream of {@code size} pseudo-random bytes that never holds them all. */
  private static InputStream generated(long size, long seed) {
    return new InputStream() {
      private final Random r = new Random(seed);
      private long left = size;

      @Override
      public int read() {
        if (left == 0) {
          return -1;
        }
        left--;
        return r.nextInt(256);
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left == 0) {
          return -1;
        }
        int n = (int) Math.min(len, left);
        for (int i = 0; i < n; i++) {
          b[off + i] = (byte) r.nextInt(256);
        }
        left -= n;
        return n;
      }
    };
  }

  @Test
  void aBlobIsStoredUnderItsDigestAndReadsBack() throws Exception {
    FileBlobStore store = new FileBlobStore(dir);
    byte[] data = random(200_000, 1);
    BlobRef ref = store.put(new ByteArrayInputStream(data), 1 << 20, TestCrypto.sha256(data));
    assertThat(ref).isEqualTo(new BlobRef(TestCrypto.sha256(data), data.length));
    assertThat(store.exists(ref.sha256())).isTrue();
    assertThat(store.path(ref.sha256())).isEqualTo(dir.resolve(ref.sha256().substring(0, 2))
        .resolve(ref.sha256().substring(2)));
    try (InputStream in = store.open(ref.sha256())) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
    assertThat(files()).containsExactly(store.path(ref.sha256()));
  }

  @Test
  void piecesOfEverySizeAreStoredExactly() throws Exception {
    FileBlobStore store = new FileBlobStore(dir);
    byte[] data = random(9 << 20, 11); // many times the store's buffer
    int[] pieces = {1, 65_535, 1, 65_536, 65_536, 300_000, 7, 1 << 20, 65_537, 3 << 20};
    try (BlobStore.Writer w = store.writer(data.length)) {
      int at = 0;
      for (int i = 0; at < data.length; i++) {
        int n = Math.min(pieces[i % pieces.length], data.length - at);
        w.stream().write(data, at, n);
        at += n;
      }
      assertThat(w.size()).isEqualTo(data.length);
      BlobRef ref = w.commit(TestCrypto.sha256(data));
      try (InputStream in = store.open(ref.sha256())) {
        assertThat(in.readAllBytes()).isEqualTo(data);
      }
    }
    assertThat(Files.list(store.tmpDir()).toList()).isEmpty();
  }

  @Test
  void theSameContentIsStoredOnce() throws Exception {
    FileBlobStore store = new FileBlobStore(dir);
    byte[] data = random(5000, 2);
    BlobRef a = store.put(new ByteArrayInputStream(data), 10_000, null);
    BlobRef b = store.put(new ByteArrayInputStream(data), 10_000, null);
    assertThat(a).isEqualTo(b);
    assertThat(files()).hasSize(1);
  }

  @Test
  void anOversizedUploadFailsWith413AndLeavesNothing() throws Exception {
    FileBlobStore store = new FileBlobStore(dir);
    byte[] data = random(10_001, 3);
    assertThatThrownBy(() -> store.put(new ByteArrayInputStream(data), 10_000, null))
        .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.status())
            .isEqualTo(413));
    assertThat(files()).isEmpty();
    // exactly at the limit is fine
    store.put(new ByteArrayInputStream(data, 0, 10_000), 10_000, null);
    assertThat(files()).hasSize(1);
  }

  @Test
  void aWrongDigestFailsWith400AndLeavesNothing() throws Exception {
    FileBlobStore store = new FileBlobStore(dir);
    byte[] data = random(1000, 4);
    String wrong = TestCrypto.sha256(random(1000, 5));
    assertThatThrownBy(() -> store.put(new ByteArrayInputStream(data), 10_000, wrong))
        .isInstanceOfSatisfying(ServiceException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.getMessage()).contains("digest mismatch", wrong);
        });
    assertThat(files()).isEmpty();
    assertThat(store.exists(wrong)).isFalse();
  }

  @Test
  void aTruncatedUploadIsCaughtByItsDigestAndLeavesNothing() throws Exception {
    FileBlobStore store = new FileBlobStore(dir);
    byte[] data = random(100_000, 6);
    String sha = TestCrypto.sha256(data);
    assertThatThrownBy(() -> store.put(new ByteArrayInputStream(data, 0, 60_000), 1 << 20, sha))
        .isInstanceOf(ServiceException.class).hasMessageContaining("60000 bytes");
    assertThat(files()).isEmpty();
    assertThat(store.exists(sha)).isFalse();
  }

  @Test
  void anIOExceptionMidStreamLeavesNothing() throws Exception {
    FileBlobStore store = new FileBlobStore(dir);
    InputStream failing = new InputStream() {
      private int left = 300_000;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (left <= 0) {
          throw new IOException("connection reset");
        }
        int n = Math.min(len, left);
        left -= n;
        return n;
      }
    };
    assertThatThrownBy(() -> store.put(failing, 1 << 20, null)).isInstanceOf(IOException.class)
        .hasMessage("connection reset");
    assertThat(files()).isEmpty();
  }

  @Test
  void aWriterClosedWithoutCommitLeavesNothing() throws Exception {
    FileBlobStore store = new FileBlobStore(dir);
    try (BlobStore.Writer w = store.writer(1000)) {
      w.stream().write(random(500, 7));
      assertThat(w.size()).isEqualTo(500);
      assertThat(files()).hasSize(1); // the temporary file
    }
    assertThat(files()).isEmpty();
  }

  @Test
  void temporaryFilesLeftByACrashAreRemovedOnOpen() throws Exception {
    new FileBlobStore(dir);
    Files.write(dir.resolve("tmp").resolve("upload-123.tmp"), random(10, 8));
    new FileBlobStore(dir);
    assertThat(files()).isEmpty();
  }

  @Test
  void concurrentUploadsOfTheSameContentAllSucceedAndStoreItOnce() throws Exception {
    FileBlobStore store = new FileBlobStore(dir);
    byte[] data = random(300_000, 9);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<BlobRef>> fs = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        fs.add(pool.submit(() -> store.put(new ByteArrayInputStream(data), 1 << 20, null)));
      }
      for (Future<BlobRef> f : fs) {
        assertThat(f.get().sha256()).isEqualTo(TestCrypto.sha256(data));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(files()).hasSize(1);
    try (InputStream in = store.open(TestCrypto.sha256(data))) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
  }

  @Test
  void openingAMissingOrMalformedDigestIs404() throws Exception {
    FileBlobStore store = new FileBlobStore(dir);
    assertThatThrownBy(() -> store.open("0".repeat(64))).isInstanceOfSatisfying(
        ServiceException.class, e -> assertThat(e.status()).isEqualTo(404));
    assertThatThrownBy(() -> store.open("../../etc/passwd")).isInstanceOfSatisfying(
        ServiceException.class, e -> assertThat(e.status()).isEqualTo(404));
    assertThat(store.exists("../x")).isFalse();
  }

  @Test
  void streamingABigBlobAllocatesAFixedAmountNotItsSize() throws Exception {
    FileBlobStore store = new FileBlobStore(dir);
    long size = 64L << 20;
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    store.put(generated(1 << 16, 10), 1 << 20, null); // warm up
    long before = mx.getThreadAllocatedBytes(tid);
    BlobRef ref = store.put(generated(size, 11), size, null);
    long allocated = mx.getThreadAllocatedBytes(tid) - before;
    assertThat(ref.size()).isEqualTo(size);
    assertThat(Files.size(store.path(ref.sha256()))).isEqualTo(size);
    // buffers and bookkeeping only: far below the 64 MiB that went through
    assertThat(allocated).isLessThan(4L << 20);
  }
}
