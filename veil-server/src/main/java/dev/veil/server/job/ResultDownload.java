package dev.veil.server.job;

import java.io.IOException;
import java.io.InputStream;

/**
 * A job's result opened for its entitled reader: the bytes and their digest. Close it.
 *
 * @param job the job (SUCCEEDED; its {@code resultInfo} describes the bytes)
 * @param sha256 the blob's digest
 * @param size its size in bytes
 * @param content the bytes
 */
public record ResultDownload(Job job, String sha256, long size, InputStream content)
    implements AutoCloseable {
  @Override
  public void close() throws IOException {
    content.close();
  }
}
