package dev.veil.he.io;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Little-endian field and bit-packed row writer over an output stream, with its own 64 KiB buffer.
 * Not thread-safe; one per object written. Every byte written goes into a running SHA-256;
 * {@link #finish()} drains the buffer, appends that digest as the object's trailer and flushes the
 * stream; the stream is never closed.
 */
final class BinaryWriter {
  private static final int BUFFER = 1 << 16;

  private final OutputStream out;
  private final byte[] buf = new byte[BUFFER];
  private final MessageDigest sha256 = sha256();
  private int pos;

  BinaryWriter(OutputStream out) {
    this.out = out;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JDK", e);
    }
  }

  private void ensure(int bytes) throws IOException {
    if (BUFFER - pos < bytes) {
      drain();
    }
  }

  private void drain() throws IOException {
    if (pos > 0) {
      sha256.update(buf, 0, pos);
      out.write(buf, 0, pos);
      pos = 0;
    }
  }

  void u8(int v) throws IOException {
    ensure(1);
    buf[pos++] = (byte) v;
  }

  void u16(int v) throws IOException {
    ensure(2);
    buf[pos++] = (byte) v;
    buf[pos++] = (byte) (v >>> 8);
  }

  void i32(int v) throws IOException {
    ensure(4);
    for (int i = 0; i < 4; i++) {
      buf[pos++] = (byte) (v >>> (8 * i));
    }
  }

  void i64(long v) throws IOException {
    ensure(8);
    for (int i = 0; i < 8; i++) {
      buf[pos++] = (byte) (v >>> (8 * i));
    }
  }

  void f64(double v) throws IOException {
    i64(Double.doubleToRawLongBits(v));
  }

  void bytes(byte[] b) throws IOException {
    if (b.length > BUFFER - pos) {
      drain();
      sha256.update(b);
      out.write(b);
    } else {
      System.arraycopy(b, 0, buf, pos, b.length);
      pos += b.length;
    }
  }

  /**
   * Packs {@code n} coefficients of {@code row}, each in [0, q), into exactly {@code bits(q)} bits
   * apiece, least significant bit first. Every group of 8 coefficients fills whole bytes.
   *
   * @throws IllegalArgumentException if the row is shorter than n or a coefficient is not in [0, q)
   */
  void row(long[] row, int n, long q, String what) throws IOException {
    if (row == null || row.length < n) {
      throw new IllegalArgumentException(what + " has " + (row == null ? 0 : row.length)
          + " coefficients, needs " + n);
    }
    final int b = Format.bits(q);
    for (int g = 0; g < n; g += 8) {
      ensure(b);
      long acc = 0;
      int accBits = 0;
      for (int j = g; j < g + 8; j++) {
        long v = row[j];
        if (v < 0 || v >= q) {
          throw new IllegalArgumentException(
              what + ": coefficient " + j + " = " + v + " is not reduced modulo " + q);
        }
        acc |= v << accBits;
        int total = accBits + b;
        if (total >= 64) {
          // accBits >= 3 here since b <= 61, so the shift below is in [57, 61]
          for (int i = 0; i < 8; i++) {
            buf[pos++] = (byte) (acc >>> (8 * i));
          }
          acc = v >>> (64 - accBits);
          total -= 64;
        }
        while (total >= 8) {
          buf[pos++] = (byte) acc;
          acc >>>= 8;
          total -= 8;
        }
        accBits = total;
      }
      // 8 coefficients of b bits are exactly b bytes: nothing is left over
    }
  }

  /** Drains the buffer, writes the SHA-256 trailer of everything before it, flushes. */
  void finish() throws IOException {
    drain();
    out.write(sha256.digest());
    out.flush();
  }

  /** Zeroes the buffer (after writing secret material). */
  void wipe() {
    Arrays.fill(buf, (byte) 0);
  }
}
