package dev.veil.he.io;

import static dev.veil.he.io.CodecSupport.headerAndDigest;
import static dev.veil.he.io.CodecSupport.prefix;
import static dev.veil.he.io.CodecSupport.readHeader;
import static dev.veil.he.io.CodecSupport.readLevel;
import static dev.veil.he.io.CodecSupport.readRowsQ;
import static dev.veil.he.io.CodecSupport.readScale;
import static dev.veil.he.io.CodecSupport.readTrailer;
import static dev.veil.he.io.CodecSupport.trailer;
import static dev.veil.he.io.CodecSupport.rowsQBytes;
import static dev.veil.he.io.CodecSupport.unsigned;
import static dev.veil.he.io.CodecSupport.writeRowsQ;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

import dev.veil.he.io.Format.Type;
import dev.veil.he.io.VeilIO.CiphertextShape;
import dev.veil.he.io.VeilIO.Form;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.Parameters;

/**
 * Ciphertexts (object type 3): degree, level, scale, the seed of c1 when seeded, then c0 (and,
 * unless seeded, c1 and c2) rows 0..level.
 */
final class CiphertextCodec {
  private CiphertextCodec() {}

  /** Writes {@code ct} in {@code form}. */
  static void write(OutputStream out, Ciphertext ct, Form form) throws IOException {
    Parameters params = ct.parameters();
    byte[] seed = ct.seed();
    boolean seeded = seeded(ct, form);
    BinaryWriter w = new BinaryWriter(out);
    headerAndDigest(w, Type.CIPHERTEXT, seeded ? Format.FLAG_SEEDED : 0, params);
    w.i32(ct.degree());
    w.i32(ct.level());
    w.f64(ct.scale());
    if (seeded) {
      w.bytes(seed);
    }
    int polys = seeded ? 1 : ct.degree() + 1;
    for (int i = 0; i < polys; i++) {
      writeRowsQ(w, params, ct.poly(i), ct.level(), "c" + i);
    }
    w.finish();
  }

  /** Whether {@code ct} is written seeded in {@code form}; refuses an impossible seeded form. */
  static boolean seeded(Ciphertext ct, Form form) {
    boolean canSeed = ct.seed() != null && ct.degree() == 1;
    switch (Objects.requireNonNull(form, "form")) {
      case FULL:
        return false;
      case SEEDED:
        if (!canSeed) {
          throw new IllegalArgumentException(ct.seed() == null
              ? "the ciphertext has no seed (only a fresh secret-key encryption has one)"
              : "a degree-" + ct.degree() + " ciphertext has no seeded form");
        }
        return true;
      default:
        return canSeed;
    }
  }

  /** The fields before the rows, checked; {@code seed} is null unless seeded. */
  private record Head(boolean seeded, int degree, int level, double scale, byte[] seed) {
    int polys() {
      return seeded ? 1 : degree + 1;
    }
  }

  private static Head readHead(BinaryReader r, Parameters params) throws IOException {
    boolean seeded = readHeader(r, Type.CIPHERTEXT, params) == Format.FLAG_SEEDED;
    int degree = r.i32("degree");
    if (degree < 1 || degree > 2) {
      throw new FormatException("ciphertext degree must be 1 or 2, got " + unsigned(degree));
    }
    if (seeded && degree != 1) {
      throw new FormatException("a seeded ciphertext must have degree 1, got " + degree);
    }
    int level = readLevel(r, params);
    double scale = readScale(r);
    byte[] seed = seeded ? r.bytes(Format.SEED_BYTES, "seed") : null;
    return new Head(seeded, degree, level, scale, seed);
  }

  /** Reads a ciphertext; a seeded one gets c1 regenerated from its seed, which it keeps. */
  static Ciphertext read(InputStream in, HeContext ctx) throws IOException {
    Parameters params = ctx.parameters();
    BinaryReader r = new BinaryReader(in);
    Head h = readHead(r, params);
    // rows are allocated as their bytes arrive, so a header claiming a large level and degree
    // over a short body costs one row, not the whole ciphertext
    long[][][] polys = new long[h.degree() + 1][][];
    for (int i = 0; i < h.polys(); i++) {
      polys[i] = readRowsQ(r, params, h.level(), "c" + i);
    }
    readTrailer(r, Type.CIPHERTEXT);
    if (h.seeded()) {
      polys[1] = new long[h.level() + 1][params.n()];
      Encryptor.expandSeed(ctx, h.seed(), h.level(), polys[1]);
    }
    Ciphertext ct = new Ciphertext(params, polys, h.level(), h.scale());
    if (h.seeded()) {
      ct.setSeed(h.seed());
    }
    return ct;
  }

  /** Reads and checks a ciphertext as {@link #read} does, holding one row and building nothing. */
  static CiphertextShape check(InputStream in, Parameters params) throws IOException {
    BinaryReader r = new BinaryReader(in);
    Head h = readHead(r, params);
    long[] row = new long[params.n()];
    for (int i = 0; i < h.polys(); i++) {
      for (int j = 0; j <= h.level(); j++) {
        r.row(row, params.n(), params.q(j), "c" + i + " row " + j);
      }
    }
    readTrailer(r, Type.CIPHERTEXT);
    return new CiphertextShape(h.degree(), h.level(), h.scale(), h.seeded(), r.offset());
  }

  /** Bytes of a ciphertext of this shape under {@code params} (seeded implies degree 1). */
  static long size(Parameters params, int degree, int level, boolean seeded) {
    long polys = seeded ? 1 : degree + 1;
    return prefix() + 4 + 4 + 8 + (seeded ? Format.SEED_BYTES : 0)
        + polys * rowsQBytes(params, level) + trailer();
  }
}
