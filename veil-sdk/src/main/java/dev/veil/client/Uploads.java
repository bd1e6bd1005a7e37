package dev.veil.client;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse;
import java.util.Objects;
import java.util.function.Function;

/**
 * Streams an {@link Upload} as a request body through the {@link Transport}: its SHA-256 as
 * {@code X-Content-SHA256} when known in advance, otherwise computed while it streams and checked
 * against the digest the server reports for what it stored. A body that cannot be read (a local
 * file) fails the call with its {@link IOException}, never retried; a connection failure is
 * retried when the route is idempotent and the body can be opened again.
 */
final class Uploads {
  private final Transport transport;

  Uploads(Transport transport) {
    this.transport = Objects.requireNonNull(transport, "transport");
  }

  /**
   * Sends {@code body} to {@code method path} and reads the answer as {@code type}.
   *
   * @param retryable whether the route may be repeated (a {@code PUT} that replaces)
   * @param listener told {@code done} plus the bytes sent, of {@code total}; null for none
   * @param storedSha256 the digest the server reports in its answer (null: none to check)
   * @throws IOException if the body cannot be read
   * @throws VeilException if the server stored other bytes than were sent
   */
  <T> T send(String method, String path, Upload body, Class<T> type, boolean retryable,
      TransferListener listener, long done, long total, Function<T, String> storedSha256)
      throws IOException {
    Objects.requireNonNull(body, "body");
    TransferListener l = listener == null ? TransferListener.NONE : listener;
    LocalFailure local = new LocalFailure();
    Digests.Hashing[] sent = new Digests.Hashing[1];
    HttpResponse<byte[]> r;
    try {
      r = transport.retrying(method, path, retryable && body.isRepeatable(), () -> {
        local.failure = null;
        HttpRequest request = request(method, path, body, () -> {
          sent[0] = new Digests.Hashing(new LocalReads(body.open(), local), l, done, total);
          return sent[0];
        }, local);
        try {
          return transport.send(request, BodyHandlers.ofByteArray());
        } catch (IOException e) {
          if (local.failure != null) {
            throw new UncheckedIOException(local.failure);
          }
          throw e;
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    T value = transport.read(method, path, r, type);
    if (body.sha256().isEmpty() && sent[0] != null && storedSha256 != null) {
      String mine = sent[0].sha256();
      String theirs = storedSha256.apply(value);
      if (theirs != null && !theirs.equalsIgnoreCase(mine)) {
        throw new VeilException(method + " " + path + ": the server stored bytes of SHA-256 "
            + theirs + ", the body sent has " + mine);
      }
    }
    return value;
  }

  /** Opens the body of one try; records the failure to open it in {@code local}. */
  @FunctionalInterface
  private interface Opener {
    InputStream open() throws IOException;
  }

  private HttpRequest request(String method, String path, Upload body, Opener opener,
      LocalFailure local) {
    BodyPublisher p = BodyPublishers.ofInputStream(() -> {
      try {
        return opener.open();
      } catch (IOException e) {
        local.failure = e;
        throw new UncheckedIOException(e);
      }
    });
    if (body.length() == 0) {
      p = BodyPublishers.noBody();
    } else if (body.length() > 0) {
      p = BodyPublishers.fromPublisher(p, body.length());
    }
    HttpRequest.Builder b = transport.request(path, transport.settings().transferTimeout())
        .header("Content-Type", Transport.OCTETS).header("Accept", Transport.JSON);
    body.sha256().ifPresent(s -> b.header(VeilClient.SHA256_HEADER, s));
    return b.method(method, p).build();
  }

  /** The first local I/O failure while reading an upload's body. */
  private static final class LocalFailure {
    volatile IOException failure;
  }

  /** Records the first read failure of an upload's source (a local file, not the network). */
  private static final class LocalReads extends FilterInputStream {
    private final LocalFailure local;

    LocalReads(InputStream in, LocalFailure local) {
      super(in);
      this.local = local;
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        local.failure = e;
        throw e;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        local.failure = e;
        throw e;
      }
    }
  }
}
