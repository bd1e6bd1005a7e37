package dev.veil.he.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Little-endian field and bit-packed row reader. Reads exactly the bytes asked for and never more,
 * so objects may follow each other on one stream. End of input (or an {@link EOFException} from
 * the stream) becomes a {@link FormatException} naming what was being read and the offset. Every
 * byte read goes into a running SHA-256, which {@link #checkTrailer} compares with the object's
 * trailer.
 */
final class BinaryReader {
  private static final int CHUNK = 1 << 16;

  private final InputStream in;
  private final byte[] small = new byte[8];
  private byte[] chunk;
  private long offset;
  /** The format version of the object being read, once its header is read. */
  int version;
  private final MessageDigest sha256 = BinaryWriter.sha256();

  BinaryReader(InputStream in) {
    this.in = in;
  }

  /** Bytes consumed so far. */
  long offset() {
    return offset;
  }

  void readFully(byte[] b, int off, int len, String what) throws IOException {
    int done = 0;
    try {
      while (done < len) {
        int r = in.read(b, off + done, len - done);
        if (r == 0) {
          // a stream that may not block: fall back to the single-byte read, which must
          int one = in.read();
          if (one < 0) {
            r = -1;
          } else {
            b[off + done] = (byte) one;
            r = 1;
          }
        }
        if (r < 0) {
          throw truncated(what, len, done, null);
        }
        done += r;
      }
    } catch (EOFException e) {
      throw truncated(what, len, done, e);
    }
    sha256.update(b, off, len);
    offset += len;
  }

  /**
   * Reads the 32-byte trailer and checks it is the SHA-256 of every byte read before it.
   *
   * @throws FormatException naming {@code noun} if it is not, or if the input ends first
   */
  void checkTrailer(String noun) throws IOException {
    byte[] expected = sha256.digest();
    byte[] trailer = new byte[Format.TRAILER_BYTES];
    readFully(trailer, 0, trailer.length, "SHA-256 trailer");
    if (!MessageDigest.isEqual(expected, trailer)) {
      throw new FormatException("integrity check failed: the SHA-256 trailer of " + noun
          + " does not match its " + (offset - trailer.length) + " bytes (the data is damaged:"
          + " a changed byte, or parts of two files)");
    }
  }

  private FormatException truncated(String what, int len, int done, Throwable cause) {
    return new FormatException(
        "truncated input: "
            + what
            + " needs "
            + len
            + " bytes at offset "
            + offset
            + " but the input ends after "
            + done,
        cause);
  }

  int u8(String what) throws IOException {
    readFully(small, 0, 1, what);
    return small[0] & 0xFF;
  }

  int u16(String what) throws IOException {
    readFully(small, 0, 2, what);
    return (small[0] & 0xFF) | (small[1] & 0xFF) << 8;
  }

  /** A 32-bit little-endian field as a signed int (values of 2^31 and more read negative). */
  int i32(String what) throws IOException {
    readFully(small, 0, 4, what);
    int v = 0;
    for (int i = 3; i >= 0; i--) {
      v = (v << 8) | (small[i] & 0xFF);
    }
    return v;
  }

  long i64(String what) throws IOException {
    readFully(small, 0, 8, what);
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (small[i] & 0xFF);
    }
    return v;
  }

  double f64(String what) throws IOException {
    return Double.longBitsToDouble(i64(what));
  }

  /** {@code len} bytes; callers pass only small constant lengths. */
  byte[] bytes(int len, String what) throws IOException {
    byte[] b = new byte[len];
    readFully(b, 0, len, what);
    return b;
  }

  private byte[] chunk() {
    if (chunk == null) {
      // 9 spare bytes: an 8-byte load at the last coefficient's first byte, and the byte after it
      chunk = new byte[CHUNK + 9];
    }
    return chunk;
  }

  /**
   * Unpacks {@code n} coefficients of {@code bits(q)} bits each into {@code out}, checking each is
   * below {@code q}. {@code n} is a multiple of 8, so the row is whole bytes. With {@code out}
   * null, a new row is allocated once its first chunk of bytes has arrived, never before.
   *
   * @return {@code out}, or the new row
   *
   * <p>Each coefficient is one little-endian 8-byte load at its first byte, shifted and masked
   * (plus one more byte when it straddles the load, possible only above 57 bits). Bits past the
   * row's end that a load touches are masked off, never used.
   */
  long[] row(long[] out, int n, long q, String what) throws IOException {
    final int b = Format.bits(q);
    final long mask = -1L >>> (64 - b);
    final byte[] buf = chunk();
    final int groupsPerChunk = CHUNK / b;
    int groupsLeft = n / 8;
    int idx = 0;
    while (groupsLeft > 0) {
      int groups = Math.min(groupsPerChunk, groupsLeft);
      long chunkStart = offset;
      readFully(buf, 0, groups * b, what);
      if (out == null) {
        out = new long[n]; // only once the row's first bytes are here
      }
      int count = groups * 8;
      long bit = 0;
      for (int j = 0; j < count; j++, bit += b) {
        int at = (int) (bit >>> 3);
        int shift = (int) (bit & 7);
        long v = (long) LE_LONG.get(buf, at) >>> shift;
        if (shift + b > 64) {
          v |= (long) (buf[at + 8] & 0xFF) << (64 - shift);
        }
        v &= mask;
        if (v >= q) {
          throw new FormatException(what + ": coefficient " + (idx + j) + " = " + v
              + " is not below its prime " + q + " (near offset "
              + (chunkStart + (bit + b - 1) / 8) + ")");
        }
        out[idx + j] = v;
      }
      idx += count;
      groupsLeft -= groups;
    }
    return out;
  }

  private static final VarHandle LE_LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** Zeroes the internal buffers (after reading secret material). */
  void wipe() {
    Arrays.fill(small, (byte) 0);
    if (chunk != null) {
      Arrays.fill(chunk, (byte) 0);
    }
  }
}
