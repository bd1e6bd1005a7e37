package dev.veil.server.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

import dev.veil.he.io.FormatException;
import dev.veil.server.blob.BlobStore.BlobRef;
import dev.veil.server.core.ServiceException;

/**
 * Stores an upload while checking it, on two threads: the caller's thread parses the bytes (a
 * {@link Check}, e.g. VeilIO's hardened reader) while a worker hashes and writes the same bytes to
 * a {@link BlobStore.Writer}. The blob is committed only when the check passed, the stream ended
 * right after the object, the size is within the limit and the digest matches; otherwise nothing
 * is stored.
 *
 * <p>Memory is flat: the two threads share a ring of {@value #BUFFERS} buffers of {@value
 * #BUFFER_BYTES} bytes; a buffer is refilled only once both have finished with it. The worker is a
 * daemon thread of its own per upload (its start costs microseconds next to the megabytes it
 * writes).
 */
public final class CheckedUpload {
  static final int BUFFERS = 8;
  static final int BUFFER_BYTES = 1 << 18;

  /** Reads and checks one object from the stream; throws {@link FormatException} if malformed. */
  @FunctionalInterface
  public interface Check<T> {
    T check(InputStream in) throws IOException;
  }

  /** A checked, committed blob and what the check returned. */
  public record Stored<T>(BlobRef blob, T checked) {}

  private final BlobStore blobs;

  public CheckedUpload(BlobStore blobs) {
    this.blobs = Objects.requireNonNull(blobs, "blobs");
  }

  /**
   * Streams {@code in} into the store while {@code check} reads it.
   *
   * @param what names the object in error messages ("part 3", "public key")
   * @param maxBytes size limit (413 beyond it)
   * @param expectedSha256 the digest the client announced, or null
   * @throws ServiceException 400 for a malformed object or trailing bytes, 413 over the limit,
   *     400 on a digest mismatch; nothing is stored then
   */
  public <T> Stored<T> store(InputStream in, String what, long maxBytes, String expectedSha256,
      Check<T> check) throws IOException {
    try (BlobStore.Writer w = blobs.writer(maxBytes); Pipe pipe = new Pipe(in, w, maxBytes)) {
      pipe.start(what);
      T result;
      try {
        result = check.check(pipe);
      } catch (FormatException e) {
        pipe.rethrowWriterFailure(); // an oversize body is a 413, even if it also parses badly
        throw ServiceException.badRequest(what + ": " + e.getMessage() + " (nothing was stored)");
      }
      if (pipe.read() >= 0) {
        throw ServiceException.badRequest(what + ": trailing bytes after the object (nothing was"
            + " stored)");
      }
      pipe.finish();
      return new Stored<>(w.commit(expectedSha256), result);
    }
  }

  /** A chunk of the upload, read by the checker and written by the worker. */
  private static final class Chunk {
    final byte[] bytes = new byte[BUFFER_BYTES];
    int length; // -1: end of the stream
    final AtomicInteger holders = new AtomicInteger();
  }

  /** The checker's view of the upload; feeds the worker. */
  private static final class Pipe extends InputStream implements AutoCloseable {
    private final InputStream in;
    private final BlobStore.Writer writer;
    private final long maxBytes;
    private long total;
    private final BlockingQueue<Chunk> free = new ArrayBlockingQueue<>(BUFFERS);
    private final BlockingQueue<Chunk> toWrite = new ArrayBlockingQueue<>(BUFFERS + 1);
    private volatile Throwable writerFailure;
    private volatile boolean aborted;
    private Thread task;
    private Chunk current;
    private int pos;
    private boolean eof;

    Pipe(InputStream in, BlobStore.Writer writer, long maxBytes) {
      this.in = in;
      this.writer = writer;
      this.maxBytes = maxBytes;
      for (int i = 0; i < BUFFERS; i++) {
        free.add(new Chunk());
      }
    }

    void start(String what) {
      task = new Thread(this::drain, "upload-writer (" + what + ")");
      task.setDaemon(true);
      task.start();
    }

    /** The worker: writes chunks in order until the end marker or an abort. */
    private void drain() {
      try {
        while (true) {
          Chunk c = toWrite.take();
          if (c.length < 0 || aborted) {
            return;
          }
          writer.stream().write(c.bytes, 0, c.length);
          release(c);
        }
      } catch (Throwable t) {
        writerFailure = t;
        free.clear();
        free.offer(new Chunk()); // unblock a reader waiting for a buffer; it sees the failure
      }
    }

    private void release(Chunk c) {
      if (c.holders.decrementAndGet() == 0) {
        free.offer(c);
      }
    }

    /** Fills the next chunk from the upload and hands it to the worker; false at the end. */
    private boolean advance() throws IOException {
      if (current != null) {
        release(current);
        current = null;
      }
      if (eof) {
        return false;
      }
      rethrowWriterFailure();
      Chunk c;
      try {
        c = free.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while uploading");
      }
      rethrowWriterFailure();
      int n = in.readNBytes(c.bytes, 0, (int) Math.min(c.bytes.length, maxBytes - total + 1));
      total += n;
      if (total > maxBytes) {
        free.offer(c);
        throw ServiceException.tooLarge("upload larger than the limit of " + maxBytes + " bytes");
      }
      if (n == 0) {
        eof = true;
        free.offer(c);
        return false;
      }
      c.length = n;
      c.holders.set(2);
      toWrite.add(c);
      current = c;
      pos = 0;
      return true;
    }

    @Override
    public int read() throws IOException {
      if ((current == null || pos == current.length) && !advance()) {
        return -1;
      }
      return current.bytes[pos++] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      if ((current == null || pos == current.length) && !advance()) {
        return -1;
      }
      int n = Math.min(len, current.length - pos);
      System.arraycopy(current.bytes, pos, b, off, n);
      pos += n;
      return n;
    }

    /** Sends the end marker and waits until every byte is written; rethrows a writer failure. */
    void finish() throws IOException {
      Chunk end = new Chunk();
      end.length = -1;
      toWrite.add(end);
      try {
        task.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while storing the upload");
      }
      task = null;
      rethrowWriterFailure();
    }

    void rethrowWriterFailure() throws IOException {
      Throwable t = writerFailure;
      if (t == null) {
        return;
      }
      if (t instanceof ServiceException s) {
        throw s;
      }
      if (t instanceof IOException io) {
        throw io;
      }
      if (t instanceof RuntimeException r) {
        throw r;
      }
      if (t instanceof Error err) {
        throw err;
      }
      throw new IOException(t);
    }

    /** Stops the worker (if still running) without waiting for the rest to be written. */
    @Override
    public void close() {
      if (task != null) {
        aborted = true;
        Chunk end = new Chunk();
        end.length = -1;
        toWrite.clear();
        toWrite.offer(end);
        try {
          task.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        task = null;
      }
    }
  }
}
