package dev.veil.client;

/**
 * Told how far an upload or a download has come. Called from the HTTP client's threads, often:
 * it must be quick and thread-safe (a progress bar's {@code stepTo} is).
 */
@FunctionalInterface
public interface TransferListener {
  /** A listener that ignores everything. */
  TransferListener NONE = (done, total) -> { };

  /**
   * @param bytes bytes transferred so far (of this transfer, or of the whole helper operation)
   * @param total bytes in all, or -1 if unknown
   */
  void transferred(long bytes, long total);
}
