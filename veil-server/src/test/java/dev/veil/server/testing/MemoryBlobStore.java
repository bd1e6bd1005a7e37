package dev.veil.server.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.veil.server.blob.BlobStore;
import dev.veil.server.core.Digests;
import dev.veil.server.core.ServiceException;

/** A content-addressed blob store in memory for service tests, with the real store's checks. */
public final class MemoryBlobStore implements BlobStore {
  private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();

  @Override
  public BlobRef put(InputStream in, long maxBytes, String expectedSha256) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[65536];
    long total = 0;
    for (int n; (n = in.read(buf)) > 0; ) {
      total += n;
      if (total > maxBytes) {
        throw ServiceException.tooLarge("more than " + maxBytes + " bytes");
      }
      out.write(buf, 0, n);
    }
    byte[] bytes = out.toByteArray();
    String sha = Digests.sha256Hex(bytes);
    if (expectedSha256 != null && !expectedSha256.equals(sha)) {
      throw ServiceException.badRequest("digest mismatch");
    }
    blobs.putIfAbsent(sha, bytes);
    return new BlobRef(sha, bytes.length);
  }

  @Override
  public Writer writer(long maxBytes) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    java.io.OutputStream limited = new java.io.OutputStream() {
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        if (buf.size() + (long) len > maxBytes) {
          throw ServiceException.tooLarge("more than " + maxBytes + " bytes");
        }
        buf.write(b, off, len);
      }
    };
    return new Writer() {
      @Override
      public java.io.OutputStream stream() {
        return limited;
      }

      @Override
      public long size() {
        return buf.size();
      }

      @Override
      public BlobRef commit(String expectedSha256) throws IOException {
        return put(new ByteArrayInputStream(buf.toByteArray()), maxBytes, expectedSha256);
      }

      @Override
      public void close() {}
    };
  }

  /** Stores bytes directly. */
  public BlobRef put(byte[] bytes) {
    try {
      return put(new ByteArrayInputStream(bytes), Long.MAX_VALUE, null);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public InputStream open(String sha256) {
    byte[] b = blobs.get(sha256);
    if (b == null) {
      throw ServiceException.notFound("blob", sha256);
    }
    return new ByteArrayInputStream(b);
  }

  @Override
  public boolean exists(String sha256) {
    return blobs.containsKey(sha256);
  }

  public int size() {
    return blobs.size();
  }
}
