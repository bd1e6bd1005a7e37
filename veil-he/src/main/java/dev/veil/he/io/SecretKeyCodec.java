package dev.veil.he.io;

import static dev.veil.he.io.CodecSupport.headerAndDigest;
import static dev.veil.he.io.CodecSupport.prefix;
import static dev.veil.he.io.CodecSupport.readHeader;
import static dev.veil.he.io.CodecSupport.readTrailer;
import static dev.veil.he.io.CodecSupport.trailer;
import static dev.veil.he.io.CodecSupport.unsigned;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

import dev.veil.he.io.Format.Type;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.SecretKey;
import dev.veil.he.rlwe.SecretKeyAccess;

/**
 * Secret keys (object type 5): N, then 2 bits per coefficient (0 = 0, 1 = +1, 2 = -1). Every
 * buffer that held coefficients is zeroed before returning.
 */
final class SecretKeyCodec {
  private SecretKeyCodec() {}

  /** Writes {@code sk}'s coefficients, 2 bits each. */
  static void write(OutputStream out, SecretKey sk, SecretKeyAccess access) throws IOException {
    Objects.requireNonNull(access, "access");
    Parameters params = sk.parameters();
    byte[] s = sk.coefficients(access);
    BinaryWriter w = new BinaryWriter(out);
    try {
      headerAndDigest(w, Type.SECRET_KEY, 0, params);
      w.i32(s.length);
      for (int j = 0; j < s.length; j += 4) {
        int packed = 0;
        for (int k = 0; k < 4; k++) {
          int c = s[j + k];
          int code = c == 0 ? 0 : c == 1 ? 1 : c == -1 ? 2 : -1;
          if (code < 0) {
            throw new IllegalArgumentException("secret coefficient out of {-1, 0, 1}");
          }
          packed |= code << (2 * k);
        }
        w.u8(packed);
      }
      w.finish();
    } finally {
      Arrays.fill(s, (byte) 0);
      w.wipe();
    }
  }

  /** Reads a secret key made under the context's parameters. */
  static SecretKey read(InputStream in, HeContext ctx) throws IOException {
    Parameters params = ctx.parameters();
    BinaryReader r = new BinaryReader(in);
    readHeader(r, Type.SECRET_KEY, params);
    int n = r.i32("coefficient count");
    if (n != params.n()) {
      throw new FormatException("secret key has " + unsigned(n)
          + " coefficients, the parameters have N = " + params.n());
    }
    byte[] packed = new byte[n / 4];
    byte[] s = new byte[n];
    try {
      r.readFully(packed, 0, packed.length, "secret key coefficients");
      for (int j = 0; j < n; j++) {
        int code = (packed[j >> 2] >>> (2 * (j & 3))) & 3;
        if (code == 3) {
          throw new FormatException("secret key coefficient " + j + " is outside {-1, 0, 1}");
        }
        s[j] = (byte) (code == 2 ? -1 : code);
      }
      readTrailer(r, Type.SECRET_KEY);
      try {
        return SecretKey.fromCoefficients(ctx, s);
      } catch (IllegalArgumentException e) {
        // e.g. a Hamming weight other than the parameters' (the message names both)
        throw new FormatException("invalid secret key: " + e.getMessage(), e);
      }
    } finally {
      Arrays.fill(packed, (byte) 0);
      Arrays.fill(s, (byte) 0);
      r.wipe();
    }
  }

  /** Bytes {@link #write} produces under {@code params}. */
  static long size(Parameters params) {
    return prefix() + 4 + params.n() / 4 + trailer();
  }
}
