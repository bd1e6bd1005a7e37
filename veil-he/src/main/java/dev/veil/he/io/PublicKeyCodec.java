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
import static dev.veil.he.io.CodecSupport.writeRowsAll;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import dev.veil.he.io.Format.Type;
import dev.veil.he.io.VeilIO.Form;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.PublicKey;

/**
 * Public keys (object type 4): row count, the seed when seeded, b, then a unless seeded; rows in
 * ring order (data primes, then special primes).
 */
final class PublicKeyCodec {
  private PublicKeyCodec() {}

  /** Writes {@code pk} in {@code form}. */
  static void write(OutputStream out, PublicKey pk, Form form) throws IOException {
    Parameters params = pk.parameters();
    boolean seeded = seeded(pk, form);
    int rows = params.qCount() + params.pCount();
    requireRows(pk.b(), rows, "public key b");
    if (!seeded) {
      requireRows(pk.a(), rows, "public key a");
    }
    BinaryWriter w = new BinaryWriter(out);
    headerAndDigest(w, Type.PUBLIC_KEY, seeded ? Format.FLAG_SEEDED : 0, params);
    w.i32(rows);
    if (seeded) {
      w.bytes(pk.seed());
    }
    writeRowsAll(w, params, pk.b(), "public key b");
    if (!seeded) {
      writeRowsAll(w, params, pk.a(), "public key a");
    }
    w.finish();
  }

  /** Whether {@code pk} is written seeded in {@code form}. */
  static boolean seeded(PublicKey pk, Form form) {
    return CodecSupport.seeded(pk.seed(), form, "public key");
  }

  /** Reads a public key; a seeded one gets {@code a} regenerated from its seed, which it keeps. */
  static PublicKey read(InputStream in, HeContext ctx) throws IOException {
    Parameters params = ctx.parameters();
    BinaryReader r = new BinaryReader(in);
    boolean seeded = readHeader(r, Type.PUBLIC_KEY, params) == Format.FLAG_SEEDED;
    readRowCount(r, params);
    byte[] seed = seeded ? r.bytes(Format.SEED_BYTES, "seed") : null;
    long[][] b = readRowsAll(r, params, "public key b");
    long[][] a = seeded ? null : readRowsAll(r, params, "public key a");
    readTrailer(r, Type.PUBLIC_KEY);
    if (seeded) {
      a = expand(ctx, seed, 0); // only once the bytes are known to be intact
    }
    return new PublicKey(params, b, a, seed);
  }

  /** Checks a public key as {@link #read} does into one reused row; returns the bytes read. */
  static long check(InputStream in, Parameters params) throws IOException {
    BinaryReader r = new BinaryReader(in);
    boolean seeded = readHeader(r, Type.PUBLIC_KEY, params) == Format.FLAG_SEEDED;
    readRowCount(r, params);
    if (seeded) {
      r.bytes(Format.SEED_BYTES, "seed");
    }
    long[] row = new long[params.n()];
    long[] primes = params.allPrimes();
    for (int p = 0; p < (seeded ? 1 : 2); p++) {
      for (int i = 0; i < primes.length; i++) {
        r.row(row, params.n(), primes[i], "public key " + (p == 0 ? "b" : "a") + " row " + i);
      }
    }
    readTrailer(r, Type.PUBLIC_KEY);
    return r.offset();
  }

  /** Bytes of a public key under {@code params}, full or seeded. */
  static long size(Parameters params, boolean seeded) {
    return prefix() + 4 + (seeded ? Format.SEED_BYTES + rowsAllBytes(params)
        : 2 * rowsAllBytes(params)) + trailer();
  }
}
