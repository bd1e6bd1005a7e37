package dev.veil.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Objects;

/**
 * Streams a {@code GET} answer into a file through the {@link Transport}: into a temporary file
 * beside the target, checked against the {@code Content-Length} and {@code X-Content-SHA256} the
 * server sends, then moved into place. A connection that fails or breaks off during the body is
 * retried (a {@code GET} is idempotent); a failed download leaves the target as it was and no
 * temporary file behind.
 */
final class Downloads {
  private static final int MAX_ERROR_BODY = 64 * 1024;

  private final Transport transport;

  Downloads(Transport transport) {
    this.transport = Objects.requireNonNull(transport, "transport");
  }

  /**
   * Downloads {@code GET path} to {@code target}, replacing it.
   *
   * @param listener bytes received so far; null for none
   * @throws IllegalArgumentException if the target's directory does not exist or the target is
   *     a directory
   * @throws IOException if the file cannot be written
   * @throws VeilException if the bytes do not match the server's digest
   */
  Download toFile(String path, Path target, TransferListener listener) throws IOException {
    TransferListener l = listener == null ? TransferListener.NONE : listener;
    Path abs = target.toAbsolutePath().normalize();
    Path dir = abs.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new IllegalArgumentException("cannot write '" + target + "': no such directory "
          + dir);
    }
    if (Files.isDirectory(abs)) {
      throw new IllegalArgumentException("cannot write '" + target + "': it is a directory");
    }
    try {
      return transport.retrying("GET", path, true, () -> {
        HttpResponse<InputStream> r = transport.send(transport.request(path,
            transport.settings().transferTimeout()).GET().build(), BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
          return receive(path, r, in, abs, l);
        } catch (BrokenDownload e) {
          throw e.io; // the network's: retried
        } catch (IOException e) {
          throw new UncheckedIOException(e); // a local file's: not retried
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * Writes the answer's body to a temporary file beside {@code abs} and moves it there once
   * checked. A read of the body that fails is a {@link BrokenDownload}.
   */
  private static Download receive(String path, HttpResponse<InputStream> r, InputStream in,
      Path abs, TransferListener l) throws IOException {
    if (r.statusCode() != 200) {
      byte[] err = in.readNBytes(MAX_ERROR_BODY);
      throw Failures.apiError("GET", path, r.statusCode(), r.headers(), err);
    }
    String expected = r.headers().firstValue(VeilClient.SHA256_HEADER).map(s -> s.strip()
        .toLowerCase(Locale.ROOT)).orElse(null);
    long length = r.headers().firstValueAsLong("Content-Length").orElse(-1);
    Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName() + ".", ".part");
    boolean moved = false;
    try {
      Digests.Hashing h = new Digests.Hashing(in, l, 0, length);
      try (OutputStream out = Files.newOutputStream(tmp)) {
        byte[] buf = new byte[1 << 16];
        while (true) {
          int n;
          try {
            n = h.read(buf);
          } catch (IOException e) {
            throw new BrokenDownload(e);
          }
          if (n < 0) {
            break;
          }
          out.write(buf, 0, n);
        }
      }
      String got = h.sha256();
      if (length >= 0 && h.count() != length) {
        throw new BrokenDownload(new IOException("the download ended after " + h.count()
            + " of " + length + " bytes"));
      }
      if (expected != null && !expected.equals(got)) {
        throw new VeilException("GET " + path + ": the bytes received have SHA-256 " + got
            + ", the server announced " + expected);
      }
      move(tmp, abs);
      moved = true;
      return new Download(abs, got, h.count());
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** The network broke during a download's body (not a local write). */
  private static final class BrokenDownload extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final IOException io;

    BrokenDownload(IOException io) {
      super(io);
      this.io = io;
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
