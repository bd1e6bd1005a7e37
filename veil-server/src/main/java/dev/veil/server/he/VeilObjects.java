package dev.veil.server.he;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;

import dev.veil.he.io.VeilIO;
import dev.veil.server.core.ServiceException;

/**
 * Looks at the 8-byte header of a Veil binary object ({@code dev.veil.he.io.VeilIO}'s format,
 * versions 1 and 2: magic {@code VEIL}, version u16 little-endian, type u8, flags u8) before
 * anything else is read,
 * so that an upload of the wrong kind is refused at once. Above all, a secret key is refused before
 * a single byte of it is stored: secret keys never leave their owner's machine.
 */
public final class VeilObjects {
  /** The object types of the format, by tag. */
  public enum Type {
    PARAMETERS(1, "parameters"),
    PLAINTEXT(2, "a plaintext"),
    CIPHERTEXT(3, "a ciphertext"),
    PUBLIC_KEY(4, "a public key"),
    SECRET_KEY(5, "a secret key"),
    SWITCHING_KEY(6, "a switching key"),
    EVALUATION_KEYS(7, "an evaluation-key set");

    final int tag;
    final String noun;

    Type(int tag, String noun) {
      this.tag = tag;
      this.noun = noun;
    }

    public String noun() {
      return noun;
    }

    static Type ofTag(int tag) {
      for (Type t : values()) {
        if (t.tag == tag) {
          return t;
        }
      }
      return null;
    }
  }

  static final int HEADER_BYTES = 8;


  private VeilObjects() {}

  /**
   * Reads the header from {@code in} and checks it announces {@code expected}.
   *
   * @return a stream of the whole object, header included, positioned at its start
   * @throws ServiceException 400 {@code secret_key_refused} for a secret key, 400 for anything that
   *     is not a Veil object of the expected type and version
   */
  public static InputStream expect(InputStream in, Type expected, String what)
      throws IOException {
    byte[] header = in.readNBytes(HEADER_BYTES);
    Type found = check(header, expected, what);
    assert found == expected;
    return new SequenceInputStream(new ByteArrayInputStream(header), in);
  }

  /** Checks a header; see {@link #expect}. */
  static Type check(byte[] header, Type expected, String what) {
    if (header.length < HEADER_BYTES) {
      throw ServiceException.badRequest(what + ": " + header.length + " bytes, not a Veil object"
          + " (expected " + expected.noun + ")");
    }
    if (header[0] != 'V' || header[1] != 'E' || header[2] != 'I' || header[3] != 'L') {
      throw ServiceException.badRequest(what + ": not a Veil object (wrong magic bytes; expected "
          + expected.noun + " written by veil)");
    }
    int version = (header[4] & 0xff) | (header[5] & 0xff) << 8;
    Type found = Type.ofTag(header[6] & 0xff);
    if (found == Type.SECRET_KEY) {
      throw new ServiceException(400, "secret_key_refused", what + ": this is a secret key."
          + " Secret keys never leave their owner's machine and the server refuses them; upload"
          + " " + expected.noun + " instead (nothing was stored)");
    }
    if (version < VeilIO.OLDEST_READABLE_VERSION || version > VeilIO.FORMAT_VERSION) {
      throw ServiceException.badRequest(what + ": unsupported format version " + version
          + " (the server reads versions " + VeilIO.OLDEST_READABLE_VERSION + " to "
          + VeilIO.FORMAT_VERSION + ")");
    }
    if (found != expected) {
      throw ServiceException.badRequest(what + ": expected " + expected.noun + ", found "
          + (found == null ? "an unknown object type " + (header[6] & 0xff) : found.noun));
    }
    return found;
  }

  /**
   * An input stream that copies every byte read from {@code in} to {@code out}: a parser reading
   * from it both checks the bytes and stores them, in one pass.
   */
  public static InputStream tee(InputStream in, OutputStream out) {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
          out.write(b);
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
          out.write(b, off, n);
        }
        return n;
      }
    };
  }
}
