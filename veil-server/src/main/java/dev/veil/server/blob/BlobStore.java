package dev.veil.server.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Content-addressed storage of large byte strings (ciphertexts, keys, results), named by the SHA-256 of
 * their bytes. A blob is streamed to a temporary file, its length and digest are checked, and only then
 * is it moved into place: a blob that exists is always complete. Storing the same bytes twice stores them
 * once. The store knows nothing about owners: who may read a blob is decided by the service that holds
 * its digest.
 */
public interface BlobStore {
  /**
   * Streams {@code in} into the store.
   *
   * @param in the bytes (read to the end, not closed)
   * @param maxBytes the largest accepted size; more bytes fail with a 413 {@code ServiceException}
   *     and leave nothing behind
   * @param expectedSha256 lowercase hex digest the bytes must have, or null for no check; a mismatch
   *     fails with a 400 {@code ServiceException} and leaves nothing behind
   * @return the stored blob's digest and size
   */
  BlobRef put(InputStream in, long maxBytes, String expectedSha256) throws IOException;

  /**
   * Starts a blob written piece by piece, for callers that check the bytes while they arrive (a
   * ciphertext parsed as it is uploaded): the bytes go to a temporary file as they are written, and
   * become a blob only on {@link Writer#commit}. Closing an uncommitted writer discards them.
   *
   * @param maxBytes the largest accepted size; writing more fails with a 413 {@code
   *     ServiceException}
   */
  Writer writer(long maxBytes) throws IOException;

  /** Opens a stored blob for reading; a 404 {@code ServiceException} if absent. */
  InputStream open(String sha256) throws IOException;

  /** Whether a blob with this digest is stored. */
  boolean exists(String sha256);

  /**
   * A blob being written. Not thread-safe. Use in try-with-resources: {@link #close} without
   * {@link #commit} leaves nothing behind.
   */
  interface Writer extends AutoCloseable {
    /** The stream to write the bytes to; it need not be closed. */
    OutputStream stream();

    /** Bytes written so far. */
    long size();

    /**
     * Checks the digest and moves the bytes into place (or drops them if the same blob exists).
     *
     * @param expectedSha256 lowercase hex digest the bytes must have, or null for no check; a
     *     mismatch fails with a 400 {@code ServiceException} and leaves nothing behind
     */
    BlobRef commit(String expectedSha256) throws IOException;

    /** Discards the bytes unless committed. */
    @Override
    void close() throws IOException;
  }

  /** A stored blob: lowercase hex SHA-256 and size in bytes. */
  record BlobRef(String sha256, long size) {}
}
