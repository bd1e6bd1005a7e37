package dev.veil.bench;

import java.io.OutputStream;

/** An output stream that keeps nothing and counts the bytes written to it. */
final class CountingOutputStream extends OutputStream {
  private long count;

  @Override
  public void write(int b) {
    count++;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    if ((off | len | (b.length - off - len)) < 0) {
      throw new IndexOutOfBoundsException();
    }
    count += len;
  }

  long count() {
    return count;
  }
}
