package dev.veil.server.blob;

import java.io.IOException;
import java.io.InputStream;

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

  /** Opens a stored blob for reading; a 404 {@code ServiceException} if absent. */
  InputStream open(String sha256) throws IOException;

  /** Whether a blob with this digest is stored. */
  boolean exists(String sha256);

  /** A stored blob: lowercase hex SHA-256 and size in bytes. */
  record BlobRef(String sha256, long size) {}
}
