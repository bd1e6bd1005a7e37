package dev.veil.he.io;

import static dev.veil.he.io.CodecSupport.header;
import static dev.veil.he.io.CodecSupport.readHeader;
import static dev.veil.he.io.CodecSupport.readTrailer;
import static dev.veil.he.io.CodecSupport.trailer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

import dev.veil.he.io.Format.Type;
import dev.veil.he.rlwe.InvalidParametersException;
import dev.veil.he.rlwe.Parameters;

/** Parameters: their literal and the primes it generates (object type 1). */
final class ParametersCodec {
  private ParametersCodec() {}

  /** Writes the literal, then the data and special primes. */
  static void write(OutputStream out, Parameters params) throws IOException {
    Objects.requireNonNull(params, "params");
    Parameters.Literal l = params.literal();
    BinaryWriter w = new BinaryWriter(out);
    header(w, Type.PARAMETERS, 0);
    int[] logQ = l.logQ();
    int[] logP = l.logP();
    w.u8(l.logN());
    w.u8(logQ.length);
    for (int b : logQ) {
      w.u8(b);
    }
    w.u8(logP.length);
    for (int b : logP) {
      w.u8(b);
    }
    w.f64(l.logDefaultScale());
    w.u8(l.secret().ordinal());
    w.i32(l.hammingWeight());
    w.f64(l.sigma());
    w.u8(l.dnum());
    w.u8(l.securityOff() ? 1 : 0);
    for (long q : params.qPrimes()) {
      w.i64(q);
    }
    for (long p : params.pPrimes()) {
      w.i64(p);
    }
    w.finish();
  }

  /** Rebuilds parameters from the literal read and checks the primes that follow it. */
  static Parameters read(InputStream in) throws IOException {
    BinaryReader r = new BinaryReader(in);
    readHeader(r, Type.PARAMETERS, null);
    int logN = r.u8("logN");
    int qCount = r.u8("data prime count");
    int[] logQ = new int[qCount];
    for (int i = 0; i < qCount; i++) {
      logQ[i] = r.u8("logQ");
    }
    int pCount = r.u8("special prime count");
    int[] logP = new int[pCount];
    for (int i = 0; i < pCount; i++) {
      logP[i] = r.u8("logP");
    }
    double logScale = r.f64("logDefaultScale");
    int secretTag = r.u8("secret distribution");
    Parameters.SecretDistribution[] dists = Parameters.SecretDistribution.values();
    if (secretTag >= dists.length) {
      throw new FormatException("unknown secret distribution " + secretTag);
    }
    int h = r.i32("Hamming weight");
    double sigma = r.f64("sigma");
    int dnum = r.u8("dnum");
    int off = r.u8("securityOff");
    if (off > 1) {
      throw new FormatException("securityOff must be 0 or 1, got " + off);
    }
    Parameters params;
    try {
      params = Parameters.create(new Parameters.Literal(
          logN, logQ, logP, logScale, dists[secretTag], h, sigma, dnum, off == 1));
    } catch (InvalidParametersException e) {
      throw new FormatException("invalid parameters: " + e.getMessage(), e);
    }
    for (int i = 0; i < qCount; i++) {
      checkPrime(r.i64("data prime"), params.q(i), "data prime q" + i);
    }
    for (int i = 0; i < pCount; i++) {
      checkPrime(r.i64("special prime"), params.p(i), "special prime p" + i);
    }
    readTrailer(r, Type.PARAMETERS);
    return params;
  }

  private static void checkPrime(long read, long generated, String what) throws FormatException {
    if (read != generated) {
      throw new FormatException(what + " in the input (" + Long.toUnsignedString(read)
          + ") differs from the prime its literal generates (" + generated + ")");
    }
  }

  /** Bytes {@link #write} produces. */
  static long size(Parameters params) {
    int q = params.qCount();
    int p = params.pCount();
    return Format.HEADER_BYTES + 1 + 1 + q + 1 + p + 8 + 1 + 4 + 8 + 1 + 1 + 8L * (q + p)
        + trailer();
  }
}
