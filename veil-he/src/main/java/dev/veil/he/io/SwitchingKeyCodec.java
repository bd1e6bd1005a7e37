package dev.veil.he.io;

import static dev.veil.he.io.CodecSupport.expand;
import static dev.veil.he.io.CodecSupport.headerAndDigest;
import static dev.veil.he.io.CodecSupport.prefix;
import static dev.veil.he.io.CodecSupport.readHeader;
import static dev.veil.he.io.CodecSupport.readRowCount;
import static dev.veil.he.io.CodecSupport.readRowsAll;
import static dev.veil.he.io.CodecSupport.readTrailer;
import static dev.veil.he.io.CodecSupport.trailer;
import static dev.veil.he.io.CodecSupport.requireRows;
import static dev.veil.he.io.CodecSupport.rowsAllBytes;
import static dev.veil.he.io.CodecSupport.unsigned;
import static dev.veil.he.io.CodecSupport.writeRowsAll;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import dev.veil.he.io.Format.Type;
import dev.veil.he.io.VeilIO.Form;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.SwitchingKey;

/**
 * Relinearisation and Galois keys (object type 6), and the key record they share with
 * evaluation-key sets: Galois element (0 for relinearisation), digits (= dnum), rows, the seed
 * when seeded, then per digit b_j and, unless seeded, a_j.
 */
final class SwitchingKeyCodec {
  private SwitchingKeyCodec() {}

  /** Writes {@code key} on its own, in {@code form}. */
  static void write(OutputStream out, SwitchingKey key, Form form) throws IOException {
    boolean seeded = seeded(key, form);
    checkShape(key, seeded);
    BinaryWriter w = new BinaryWriter(out);
    headerAndDigest(w, Type.SWITCHING_KEY, seeded ? Format.FLAG_SEEDED : 0, key.parameters());
    writeRecord(w, key, seeded);
    w.finish();
  }

  /** Reads a key written on its own; a seeded one gets its {@code a_j} regenerated. */
  static SwitchingKey read(InputStream in, HeContext ctx) throws IOException {
    BinaryReader r = new BinaryReader(in);
    boolean seeded = readHeader(r, Type.SWITCHING_KEY, ctx.parameters()) == Format.FLAG_SEEDED;
    SwitchingKey key = readRecord(r, ctx, seeded, r.i64("Galois element"));
    readTrailer(r, Type.SWITCHING_KEY);
    return key;
  }

  /** Whether {@code key} is written seeded in {@code form}. */
  static boolean seeded(SwitchingKey key, Form form) {
    return CodecSupport.seeded(key.seed(), form, "switching key");
  }

  /** Bytes of one key written on its own under {@code params}, full or seeded. */
  static long size(Parameters params, boolean seeded) {
    return prefix() + recordBytes(params, seeded) + trailer();
  }

  /** Bytes of one key record. */
  static long recordBytes(Parameters params, boolean seeded) {
    long polys = (long) params.dnum() * rowsAllBytes(params);
    return 8 + 4 + 4 + (seeded ? Format.SEED_BYTES + polys : 2 * polys);
  }

  /** Checks, before anything is written, that the key's digits and rows fit its parameters. */
  static void checkShape(SwitchingKey key, boolean seeded) {
    Parameters params = key.parameters();
    if (key.digits() != params.dnum()) {
      throw new IllegalArgumentException("switching key has " + key.digits()
          + " digits, its parameters have dnum = " + params.dnum());
    }
    long g = key.galoisElement();
    if (g != 0 && !validGaloisElement(g, params)) {
      throw new IllegalArgumentException("invalid Galois element " + g);
    }
    int rows = params.qCount() + params.pCount();
    for (int j = 0; j < key.digits(); j++) {
      requireRows(key.b(j), rows, "switching key b" + j);
      if (!seeded && !key.isCompact()) { // a compact key's a parts are expanded to its shape
        requireRows(key.a(j), rows, "switching key a" + j);
      }
    }
  }

  /** Writes the key record of {@code key}. */
  static void writeRecord(BinaryWriter w, SwitchingKey key, boolean seeded) throws IOException {
    Parameters params = key.parameters();
    w.i64(key.galoisElement());
    w.i32(key.digits());
    w.i32(params.qCount() + params.pCount());
    if (seeded) {
      w.bytes(key.seed());
    }
    for (int j = 0; j < key.digits(); j++) {
      writeRowsAll(w, params, key.b(j), "switching key b" + j);
      if (!seeded) {
        writeRowsAll(w, params, key.a(j), "switching key a" + j);
      }
    }
  }

  /** The checked digit and row counts and the seed (or null) of a key record. */
  private static byte[] readRecordHead(BinaryReader r, Parameters params, boolean seeded,
      long galois) throws IOException {
    checkGaloisElement(galois, params);
    int digits = r.i32("digit count");
    if (digits != params.dnum()) {
      throw new FormatException("switching key has " + unsigned(digits)
          + " digits, the parameters have dnum = " + params.dnum());
    }
    readRowCount(r, params);
    return seeded ? r.bytes(Format.SEED_BYTES, "seed") : null;
  }

  /**
   * Checks the rest of a key record after its Galois element as {@link #readRecord} does, into
   * one reused row: nothing is kept and no seed is expanded.
   */
  static void checkRecord(BinaryReader r, Parameters params, boolean seeded, long galois,
      long[] row) throws IOException {
    readRecordHead(r, params, seeded, galois);
    long[] primes = params.allPrimes();
    for (int j = 0; j < params.dnum(); j++) {
      for (int p = 0; p < (seeded ? 1 : 2); p++) {
        String what = "switching key " + (p == 0 ? "b" : "a") + j;
        for (int i = 0; i < primes.length; i++) {
          r.row(row, params.n(), primes[i], what + " row " + i);
        }
      }
    }
  }

  /** The rest of a key record after its Galois element, which the caller has read and passes. */
  static SwitchingKey readRecord(BinaryReader r, HeContext ctx, boolean seeded, long galois)
      throws IOException {
    Parameters params = ctx.parameters();
    byte[] seed = readRecordHead(r, params, seeded, galois);
    int digits = params.dnum();
    long[][][] b = new long[digits][][];
    long[][][] a = new long[digits][][];
    for (int j = 0; j < digits; j++) {
      b[j] = readRowsAll(r, params, "switching key b" + j);
      a[j] = seeded ? expand(ctx, seed, j) : readRowsAll(r, params, "switching key a" + j);
    }
    return new SwitchingKey(params, galois, b, a, seed);
  }

  /** Refuses a Galois element that is neither 0 nor odd in (0, 2N). */
  static void checkGaloisElement(long g, Parameters params) throws FormatException {
    if (g != 0 && !validGaloisElement(g, params)) {
      throw new FormatException("Galois element " + Long.toUnsignedString(g)
          + " is neither 0 (relinearisation) nor odd in (0, 2N = " + 2L * params.n() + ")");
    }
  }

  private static boolean validGaloisElement(long g, Parameters params) {
    return g > 0 && g < 2L * params.n() && (g & 1) == 1;
  }
}
