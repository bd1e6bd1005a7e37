package dev.veil.server.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.Stream;

import dev.veil.he.io.FormatException;
import dev.veil.server.core.ServiceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The two-thread check-while-storing path: stored bytes are exactly the checked ones, or none. */
class CheckedUploadTest {
  @TempDir Path dir;

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static String sha(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  /** A checker that reads a 4-byte length then that many bytes, in odd-sized reads. */
  static Integer lengthPrefixed(InputStream in) throws IOException {
    byte[] len = in.readNBytes(4);
    if (len.length < 4) {
      throw new FormatException("no length");
    }
    int n = (len[0] & 0xff) | (len[1] & 0xff) << 8 | (len[2] & 0xff) << 16 | (len[3] & 0xff) << 24;
    byte[] buf = new byte[7919];
    int left = n;
    while (left > 0) {
      int r = in.read(buf, 0, Math.min(buf.length, left));
      if (r < 0) {
        throw new FormatException("truncated at " + (n - left) + " of " + n);
      }
      left -= r;
    }
    return n;
  }

  static byte[] object(int payload, long seed) {
    byte[] b = random(payload + 4, seed);
    b[0] = (byte) payload;
    b[1] = (byte) (payload >>> 8);
    b[2] = (byte) (payload >>> 16);
    b[3] = (byte) (payload >>> 24);
    return b;
  }

  long files(FileBlobStore store) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).count();
    }
  }

  @ParameterizedTest(name = "{0} payload bytes")
  @ValueSource(ints = {0, 1, 262_139, 262_140, 262_141, 3_000_000})
  void storesExactlyTheCheckedBytes(int payload) throws Exception {
    FileBlobStore store = new FileBlobStore(dir);
    byte[] obj = object(payload, payload);
    CheckedUpload.Stored<Integer> s = new CheckedUpload(store)
        .store(new ByteArrayInputStream(obj), "thing", 10_000_000, sha(obj),
            CheckedUploadTest::lengthPrefixed);
    assertThat(s.checked()).isEqualTo(payload);
    assertThat(s.blob().size()).isEqualTo(obj.length);
    assertThat(s.blob().sha256()).isEqualTo(sha(obj));
    try (InputStream in = store.open(s.blob().sha256())) {
      assertThat(in.readAllBytes()).isEqualTo(obj);
    }
    assertThat(files(store)).isEqualTo(1);
  }

  @Test
  void refusalsLeaveNothingBehind() throws Exception {
    FileBlobStore store = new FileBlobStore(dir);
    CheckedUpload up = new CheckedUpload(store);
    byte[] obj = object(1_000_000, 1);
    // malformed: truncated
    byte[] cut = java.util.Arrays.copyOf(obj, 600_000);
    assertThatThrownBy(() -> up.store(new ByteArrayInputStream(cut), "part 3", 10_000_000, null,
        CheckedUploadTest::lengthPrefixed))
        .isInstanceOf(ServiceException.class).hasMessageContaining("part 3: truncated at")
        .hasMessageContaining("nothing was stored");
    // trailing bytes
    byte[] longer = java.util.Arrays.copyOf(obj, obj.length + 1);
    assertThatThrownBy(() -> up.store(new ByteArrayInputStream(longer), "part 3", 10_000_000,
        null, CheckedUploadTest::lengthPrefixed))
        .isInstanceOf(ServiceException.class).hasMessageContaining("trailing bytes");
    // over the limit, found while streaming, before the checker is done
    assertThatThrownBy(() -> up.store(new ByteArrayInputStream(obj), "part 3", 700_000, null,
        CheckedUploadTest::lengthPrefixed))
        .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.status()).isEqualTo(413));
    // wrong digest
    assertThatThrownBy(() -> up.store(new ByteArrayInputStream(obj), "part 3", 10_000_000,
        "00".repeat(32), CheckedUploadTest::lengthPrefixed))
        .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("digest mismatch");
    // the stream fails half-way
    InputStream failing = new InputStream() {
      int n;

      @Override
      public int read() throws IOException {
        if (++n > 500_000) {
          throw new IOException("connection reset");
        }
        return obj[n - 1] & 0xff;
      }
    };
    assertThatThrownBy(() -> up.store(failing, "part 3", 10_000_000, null,
        CheckedUploadTest::lengthPrefixed)).isInstanceOf(IOException.class)
        .hasMessageContaining("connection reset");
    assertThat(files(store)).isZero();
  }

  @Test
  void aWriterFailureReachesTheUploader() {
    BlobStore broken = new BlobStore() {
      @Override
      public BlobRef put(InputStream in, long maxBytes, String expectedSha256) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Writer writer(long maxBytes) {
        return new Writer() {
          long size;

          @Override
          public java.io.OutputStream stream() {
            return new java.io.OutputStream() {
              @Override
              public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
              }

              @Override
              public void write(byte[] b, int off, int len) throws IOException {
                size += len;
                if (size > 300_000) {
                  throw new IOException("disk full");
                }
              }
            };
          }

          @Override
          public long size() {
            return size;
          }

          @Override
          public BlobRef commit(String expectedSha256) {
            throw new AssertionError("must not commit after a failed write");
          }

          @Override
          public void close() {}
        };
      }

      @Override
      public InputStream open(String sha256) {
        throw new UnsupportedOperationException();
      }

      @Override
      public boolean exists(String sha256) {
        return false;
      }
    };
    byte[] obj = object(2_000_000, 2);
    assertThatThrownBy(() -> new CheckedUpload(broken).store(new ByteArrayInputStream(obj),
        "part 0", 10_000_000, null, CheckedUploadTest::lengthPrefixed))
        .isInstanceOf(IOException.class).hasMessageContaining("disk full");
  }
}
