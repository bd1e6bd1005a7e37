package dev.veil.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The body of an upload (a key file, a data-set part, encrypted rows), streamed: never held in
 * memory.
 *
 * <p>When the body's SHA-256 is known before it is sent (files: computed by {@link #of(Path)} in
 * one streaming pass; or given with {@link #withSha256}), it travels as {@code X-Content-SHA256}
 * and the server refuses a body that does not match, storing nothing. Otherwise (a stream of
 * unknown content) the SDK computes the digest while the body streams and checks it against the
 * digest the server reports for what it stored, failing the call on a mismatch.
 *
 * <p>An upload that can be opened again ({@link #isRepeatable()}: files, a {@link Source}) is
 * retried after a connection failure when the route is idempotent; a one-shot {@link InputStream}
 * is not.
 */
public final class Upload {
  private static final Pattern HEX64 = Pattern.compile("[0-9a-fA-F]{64}");

  /** Opens the body, once per attempt. */
  @FunctionalInterface
  public interface Source {
    InputStream open() throws IOException;
  }

  private final Source source;
  private final long length;
  private final String sha256;
  private final boolean repeatable;

  private Upload(Source source, long length, String sha256, boolean repeatable) {
    this.source = source;
    this.length = length;
    this.sha256 = sha256;
    this.repeatable = repeatable;
  }

  /**
   * A file; its SHA-256 is computed now, reading it once in blocks.
   *
   * @throws IOException if it cannot be read
   * @throws IllegalArgumentException if it is not a regular file
   */
  public static Upload of(Path file) throws IOException {
    return ofFiles(List.of(file));
  }

  /**
   * Files sent one after the other as one body (e.g. the ciphertexts of encrypted rows); the
   * digest of the whole is computed now.
   *
   * @throws IllegalArgumentException if the list is empty or one is not a regular file
   */
  public static Upload ofFiles(List<Path> files) throws IOException {
    List<Path> fs = List.copyOf(files);
    if (fs.isEmpty()) {
      throw new IllegalArgumentException("no file to upload");
    }
    long length = 0;
    for (Path f : fs) {
      if (!Files.isRegularFile(f)) {
        throw new IllegalArgumentException(Files.exists(f) ? "'" + f + "' is not a regular file"
            : "no such file: " + f);
      }
      length += Files.size(f);
    }
    return new Upload(() -> open(fs), length, Digests.sha256(fs), true);
  }

  /**
   * A body that {@code source} opens afresh for each attempt, of {@code length} bytes (-1 if
   * unknown: sent chunked); its digest is computed while it streams.
   */
  public static Upload of(Source source, long length) {
    return new Upload(Objects.requireNonNull(source, "source"), length < 0 ? -1 : length, null,
        true);
  }

  /**
   * A one-shot stream of {@code length} bytes (-1 if unknown): sent once, never retried; its
   * digest is computed while it streams. The SDK closes it.
   */
  public static Upload of(InputStream in, long length) {
    Objects.requireNonNull(in, "in");
    boolean[] used = {false};
    return new Upload(() -> {
      synchronized (used) {
        if (used[0]) {
          throw new IOException("a one-shot upload stream cannot be sent twice");
        }
        used[0] = true;
      }
      return in;
    }, length < 0 ? -1 : length, null, false);
  }

  /**
   * The same body with its SHA-256 known in advance, sent as {@code X-Content-SHA256}.
   *
   * @param hex 64 hex digits
   */
  public Upload withSha256(String hex) {
    if (hex == null || !HEX64.matcher(hex).matches()) {
      throw new IllegalArgumentException("a SHA-256 is 64 hex digits, got '" + hex + "'");
    }
    return new Upload(source, length, hex.toLowerCase(Locale.ROOT), repeatable);
  }

  /** Bytes in the body, or -1 if unknown. */
  public long length() {
    return length;
  }

  /** The SHA-256 known before sending (sent as {@code X-Content-SHA256}), if any. */
  public Optional<String> sha256() {
    return Optional.ofNullable(sha256);
  }

  /** Whether the body can be sent again (a retry after a connection failure). */
  public boolean isRepeatable() {
    return repeatable;
  }

  InputStream open() throws IOException {
    return source.open();
  }

  private static InputStream open(List<Path> files) throws IOException {
    return files.size() == 1 ? Files.newInputStream(files.get(0)) : new Concatenated(files);
  }

  /** The files one after the other, each opened when the previous one is exhausted. */
  private static final class Concatenated extends InputStream {
    private final Iterator<Path> next;
    private InputStream current;

    Concatenated(List<Path> files) throws IOException {
      this.next = files.iterator();
      this.current = Files.newInputStream(next.next());
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      while (current != null) {
        int n = current.read(b, off, len);
        if (n >= 0) {
          return n;
        }
        current.close();
        current = next.hasNext() ? Files.newInputStream(next.next()) : null;
      }
      return -1;
    }

    @Override
    public void close() throws IOException {
      if (current != null) {
        current.close();
        current = null;
      }
    }
  }
}
