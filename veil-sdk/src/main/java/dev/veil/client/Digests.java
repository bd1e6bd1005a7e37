package dev.veil.client;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** SHA-256 of streams and files, read in blocks (never whole into memory). */
final class Digests {
  private Digests() {}

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JVM", e);
    }
  }

  static String hex(byte[] digest) {
    return HexFormat.of().formatHex(digest);
  }

  /** The SHA-256 of the files one after the other, as hex. */
  static String sha256(List<Path> files) throws IOException {
    MessageDigest md = newSha256();
    byte[] buf = new byte[1 << 16];
    for (Path f : files) {
      try (InputStream in = Files.newInputStream(f)) {
        int n;
        while ((n = in.read(buf)) > 0) {
          md.update(buf, 0, n);
        }
      }
    }
    return hex(md.digest());
  }

  /**
   * A stream that hashes and counts what is read through it, and tells a listener the running
   * count.
   */
  static final class Hashing extends FilterInputStream {
    private final MessageDigest md = newSha256();
    private final TransferListener listener;
    private final long base;
    private final long total;
    private long count;

    /**
     * @param base added to the count told to the listener (bytes of earlier transfers)
     * @param total told to the listener as the total
     */
    Hashing(InputStream in, TransferListener listener, long base, long total) {
      super(in);
      this.listener = listener;
      this.base = base;
      this.total = total;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        md.update((byte) b);
        advance(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        md.update(b, off, n);
        advance(n);
      }
      return n;
    }

    @Override
    public long skip(long n) {
      return 0; // every byte must pass through the digest
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    private void advance(int n) {
      count += n;
      listener.transferred(base + count, total);
    }

    long count() {
      return count;
    }

    /** The digest of what was read; call once, at the end. */
    String sha256() {
      return hex(md.digest());
    }
  }
}
