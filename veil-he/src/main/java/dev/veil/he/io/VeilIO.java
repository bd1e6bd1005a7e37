package dev.veil.he.io;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

import dev.veil.he.io.Format.Type;
import dev.veil.he.ring.Prng;
import dev.veil.he.ring.Sampler;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.InvalidParametersException;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.Plaintext;
import dev.veil.he.rlwe.PublicKey;
import dev.veil.he.rlwe.SecretKey;
import dev.veil.he.rlwe.SecretKeyAccess;
import dev.veil.he.rlwe.SwitchingKey;

/**
 * Versioned binary formats for parameters, plaintexts, ciphertexts and keys, written to and read
 * from streams.
 *
 * <h2>Format (version 1)</h2>
 *
 * All integers are little-endian. Every object starts with an 8-byte header: the magic bytes
 * {@code "VEIL"}, the format version (u16, 1), the object type (u8: 1 parameters, 2 plaintext, 3
 * ciphertext, 4 public key, 5 secret key, 6 switching key, 7 evaluation-key set) and flags (u8; bit
 * 0 = seeded form, allowed for ciphertexts, public keys and switching keys; every other bit must be
 * 0). Every object other than parameters then carries the 32-byte SHA-256 parameter digest
 * ({@link Parameters#digest()}) it was made under.
 *
 * <p>A polynomial row under prime {@code q} is its N coefficients, each in exactly {@code
 * bitLength(q)} bits, least significant bit first (a 40-bit prime costs 5 bytes per coefficient).
 * Bodies, after the header (and digest):
 *
 * <ul>
 *   <li>parameters: logN u8, count u8 + logQ u8 each, count u8 + logP u8 each, logDefaultScale
 *       f64, secret distribution u8, Hamming weight i32, sigma f64, dnum u8 (as in the literal),
 *       securityOff u8, then the generated data primes and special primes as u64 each;
 *   <li>plaintext: level u32, scale f64, rows 0..level;
 *   <li>ciphertext: degree u32, level u32, scale f64, [seed of c1 if seeded], then c0 (and, unless
 *       seeded, c1 and c2) rows 0..level;
 *   <li>public key: rows u32 (qCount + pCount), [seed if seeded], b, then a unless seeded (rows in
 *       ring order: data primes, then special primes);
 *   <li>switching key: a key record: Galois element u64 (0 for relinearisation), digits u32 (=
 *       dnum), rows u32, [seed if seeded], then per digit b_j and, unless seeded, a_j;
 *   <li>evaluation keys: count u32 (at most N + 1), then that many records each led by a flags u8
 *       (bit 0 = seeded), in strictly ascending Galois element order (so the relinearisation key,
 *       element 0, comes first, and there are no duplicates);
 *   <li>secret key: N u32, then 2 bits per coefficient (0 = 0, 1 = +1, 2 = -1).
 * </ul>
 *
 * <p>Seeded forms replace a uniform polynomial by its 32-byte seed: for a fresh secret-key
 * ciphertext c1 = {@link Encryptor#expandSeed}; for a public key a is stream 0 of the seed over
 * all primes; for a switching key a_j is stream j.
 *
 * <h2>Writing</h2>
 *
 * {@code write(out, x)} picks the form by {@link Form#AUTO}: seeded exactly when the object holds a
 * seed (and, for a ciphertext, has degree 1). The seed is trusted to generate the object's uniform
 * part; objects from {@code KeyGenerator} and {@code Encryptor} keep that true, and evaluators drop
 * a ciphertext's seed when they change it. Writers buffer internally, flush the stream at the end
 * and never close it. They throw {@link IllegalArgumentException} for an object that cannot be
 * written as asked (a seeded form without a seed, a coefficient not reduced, a shape that
 * disagrees with its parameters).
 *
 * <h2>Reading</h2>
 *
 * Readers take the reader's own {@link HeContext} (or {@link Parameters}) and treat the input as
 * untrusted: every length, count, level and element is checked against those parameters before
 * anything sized by it is allocated, every coefficient is checked to be below its prime, and any
 * problem, including input that ends early, is a {@link FormatException} naming it. A reader
 * consumes exactly one object's bytes, so objects may follow one another on one stream; it does
 * its own chunked reads, so no extra buffering is needed.
 */
public final class VeilIO {
  private VeilIO() {}

  /** The format version this class writes and the only one it reads. */
  public static final int FORMAT_VERSION = Format.VERSION;

  /** Which form to write an object with a uniform part in. */
  public enum Form {
    /** Seeded when the object holds a seed (a ciphertext also needs degree 1), else full. */
    AUTO,
    /** Every polynomial written out. */
    FULL,
    /** The uniform part as its 32-byte seed; the object must hold one. */
    SEEDED
  }

  /** Writes one object to a stream; for {@link #writeAtomically}. */
  @FunctionalInterface
  public interface ObjectWriter {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Reads one object from a stream; for {@link #readFile}. */
  @FunctionalInterface
  public interface ObjectReader<T> {
    T readFrom(InputStream in) throws IOException;
  }

  // =================================================================== parameters

  /**
   * Writes parameters: their literal and their generated primes.
   *
   * @throws IOException from the stream
   */
  public static void write(OutputStream out, Parameters params) throws IOException {
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

  /**
   * Reads parameters: rebuilds them from the literal with {@link Parameters#create} and checks that
   * the primes in the input are the ones generated.
   *
   * @throws FormatException for malformed input, an invalid literal or primes that differ
   * @throws IOException from the stream
   */
  public static Parameters readParameters(InputStream in) throws IOException {
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
    return params;
  }

  private static void checkPrime(long read, long generated, String what) throws FormatException {
    if (read != generated) {
      throw new FormatException(what + " in the input (" + Long.toUnsignedString(read)
          + ") differs from the prime its literal generates (" + generated + ")");
    }
  }

  /** Bytes {@link #write(OutputStream, Parameters)} produces. */
  public static long serializedSize(Parameters params) {
    int q = params.qCount();
    int p = params.pCount();
    return Format.HEADER_BYTES + 1 + 1 + q + 1 + p + 8 + 1 + 4 + 8 + 1 + 1 + 8L * (q + p);
  }

  // =================================================================== plaintext

  /**
   * Writes a plaintext: level, scale and rows 0..level.
   *
   * @throws IllegalArgumentException if a coefficient is not reduced
   * @throws IOException from the stream
   */
  public static void write(OutputStream out, Plaintext pt) throws IOException {
    Parameters params = pt.parameters();
    BinaryWriter w = new BinaryWriter(out);
    header(w, Type.PLAINTEXT, 0);
    w.bytes(params.digest());
    w.i32(pt.level());
    w.f64(pt.scale());
    writeRowsQ(w, params, pt.poly(), pt.level(), "plaintext");
    w.finish();
  }

  /**
   * Reads a plaintext made under {@code params}.
   *
   * @throws FormatException for malformed input, other parameters, a level outside [0, maxLevel],
   *     a scale that is not finite and positive, or an unreduced coefficient
   * @throws IOException from the stream
   */
  public static Plaintext readPlaintext(InputStream in, Parameters params) throws IOException {
    Objects.requireNonNull(params, "params");
    BinaryReader r = new BinaryReader(in);
    readHeader(r, Type.PLAINTEXT, params);
    int level = readLevel(r, params);
    double scale = readScale(r);
    Plaintext pt = new Plaintext(params, level, scale);
    readRowsQ(r, params, pt.poly(), level, "plaintext");
    return pt;
  }

  /** Bytes {@link #write(OutputStream, Plaintext)} produces. */
  public static long serializedSize(Plaintext pt) {
    return plaintextSize(pt.parameters(), pt.level());
  }

  /** Bytes of a plaintext at {@code level} under {@code params}. */
  public static long plaintextSize(Parameters params, int level) {
    return prefix() + 4 + 8 + rowsQBytes(params, level);
  }

  // =================================================================== ciphertext

  /**
   * Writes a ciphertext in {@link Form#AUTO} form: seeded when it holds a seed and has degree 1.
   *
   * @throws IllegalArgumentException if a coefficient is not reduced
   * @throws IOException from the stream
   */
  public static void write(OutputStream out, Ciphertext ct) throws IOException {
    write(out, ct, Form.AUTO);
  }

  /**
   * Writes a ciphertext in the given form.
   *
   * @throws IllegalArgumentException for {@link Form#SEEDED} when the ciphertext has no seed or
   *     degree 2, or if a coefficient is not reduced
   * @throws IOException from the stream
   */
  public static void write(OutputStream out, Ciphertext ct, Form form) throws IOException {
    Parameters params = ct.parameters();
    byte[] seed = ct.seed();
    boolean seeded = seededCiphertext(ct, form);
    BinaryWriter w = new BinaryWriter(out);
    header(w, Type.CIPHERTEXT, seeded ? Format.FLAG_SEEDED : 0);
    w.bytes(params.digest());
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

  private static boolean seededCiphertext(Ciphertext ct, Form form) {
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

  /**
   * Reads a ciphertext made under the context's parameters; a seeded one gets c1 regenerated from
   * its seed, which it keeps.
   *
   * @throws FormatException for malformed input, other parameters, a degree other than 1 or 2 (1
   *     when seeded), a level outside [0, maxLevel], a scale that is not finite and positive, or an
   *     unreduced coefficient
   * @throws IOException from the stream
   */
  public static Ciphertext readCiphertext(InputStream in, HeContext ctx) throws IOException {
    Parameters params = ctx.parameters();
    BinaryReader r = new BinaryReader(in);
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
    Ciphertext ct = new Ciphertext(params, degree, level, scale);
    int polys = seeded ? 1 : degree + 1;
    for (int i = 0; i < polys; i++) {
      readRowsQ(r, params, ct.poly(i), level, "c" + i);
    }
    if (seeded) {
      Encryptor.expandSeed(ctx, seed, level, ct.poly(1));
      ct.setSeed(seed);
    }
    return ct;
  }

  /**
   * The shape of a ciphertext checked by {@link #checkCiphertext}.
   *
   * @param degree 1 or 2
   * @param level in [0, maxLevel]
   * @param scale finite and positive
   * @param seeded whether its second polynomial travels as a seed
   * @param bytes bytes read
   */
  public record CiphertextShape(int degree, int level, double scale, boolean seeded, long bytes) {}

  /**
   * Reads and checks a ciphertext exactly as {@link #readCiphertext} does (header, parameter digest,
   * degree, level, scale, every coefficient below its prime) without building it: memory of one
   * row, no seed expansion. For checking uploads at stream speed.
   *
   * @throws FormatException for the input {@link #readCiphertext} refuses
   * @throws IOException from the stream
   */
  public static CiphertextShape checkCiphertext(InputStream in, Parameters params)
      throws IOException {
    BinaryReader r = new BinaryReader(in);
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
    if (seeded) {
      r.bytes(Format.SEED_BYTES, "seed");
    }
    long[] row = new long[params.n()];
    int polys = seeded ? 1 : degree + 1;
    for (int i = 0; i < polys; i++) {
      for (int j = 0; j <= level; j++) {
        r.row(row, params.n(), params.q(j), "c" + i + " row " + j);
      }
    }
    return new CiphertextShape(degree, level, scale, seeded, r.offset());
  }

  /** Bytes {@link #write(OutputStream, Ciphertext)} produces. */
  public static long serializedSize(Ciphertext ct) {
    return serializedSize(ct, Form.AUTO);
  }

  /**
   * Bytes {@link #write(OutputStream, Ciphertext, Form)} produces.
   *
   * @throws IllegalArgumentException as that method does for an impossible seeded form
   */
  public static long serializedSize(Ciphertext ct, Form form) {
    return ciphertextSize(ct.parameters(), ct.degree(), ct.level(), seededCiphertext(ct, form));
  }

  /** Bytes of a ciphertext of this shape under {@code params} (seeded implies degree 1). */
  public static long ciphertextSize(Parameters params, int degree, int level, boolean seeded) {
    long polys = seeded ? 1 : degree + 1;
    return prefix() + 4 + 4 + 8 + (seeded ? Format.SEED_BYTES : 0)
        + polys * rowsQBytes(params, level);
  }

  // =================================================================== public key

  /**
   * Writes a public key in {@link Form#AUTO} form: seeded when it holds a seed.
   *
   * @throws IllegalArgumentException if its rows disagree with its parameters or a coefficient is
   *     not reduced
   * @throws IOException from the stream
   */
  public static void write(OutputStream out, PublicKey pk) throws IOException {
    write(out, pk, Form.AUTO);
  }

  /**
   * Writes a public key in the given form.
   *
   * @throws IllegalArgumentException for {@link Form#SEEDED} without a seed, rows that disagree
   *     with the parameters, or an unreduced coefficient
   * @throws IOException from the stream
   */
  public static void write(OutputStream out, PublicKey pk, Form form) throws IOException {
    Parameters params = pk.parameters();
    boolean seeded = seeded(pk.seed(), form, "public key");
    int rows = params.qCount() + params.pCount();
    requireRows(pk.b(), rows, "public key b");
    if (!seeded) {
      requireRows(pk.a(), rows, "public key a");
    }
    BinaryWriter w = new BinaryWriter(out);
    header(w, Type.PUBLIC_KEY, seeded ? Format.FLAG_SEEDED : 0);
    w.bytes(params.digest());
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

  /**
   * Reads a public key made under the context's parameters; a seeded one gets {@code a}
   * regenerated from its seed, which it keeps.
   *
   * @throws FormatException for malformed input, other parameters, a row count other than qCount +
   *     pCount, or an unreduced coefficient
   * @throws IOException from the stream
   */
  public static PublicKey readPublicKey(InputStream in, HeContext ctx) throws IOException {
    Parameters params = ctx.parameters();
    BinaryReader r = new BinaryReader(in);
    boolean seeded = readHeader(r, Type.PUBLIC_KEY, params) == Format.FLAG_SEEDED;
    readRowCount(r, params);
    byte[] seed = seeded ? r.bytes(Format.SEED_BYTES, "seed") : null;
    long[][] b = readRowsAll(r, params, "public key b");
    long[][] a;
    if (seeded) {
      a = expand(ctx, seed, 0);
    } else {
      a = readRowsAll(r, params, "public key a");
    }
    return new PublicKey(params, b, a, seed);
  }

  /** Bytes {@link #write(OutputStream, PublicKey)} produces. */
  public static long serializedSize(PublicKey pk) {
    return serializedSize(pk, Form.AUTO);
  }

  /** Bytes {@link #write(OutputStream, PublicKey, Form)} produces. */
  public static long serializedSize(PublicKey pk, Form form) {
    return publicKeySize(pk.parameters(), seeded(pk.seed(), form, "public key"));
  }

  /** Bytes of a public key under {@code params}, full or seeded. */
  public static long publicKeySize(Parameters params, boolean seeded) {
    return prefix() + 4 + (seeded ? Format.SEED_BYTES + rowsAllBytes(params)
        : 2 * rowsAllBytes(params));
  }

  // =================================================================== switching keys

  /**
   * Writes a relinearisation or Galois key in {@link Form#AUTO} form: seeded when it holds a seed.
   *
   * @throws IllegalArgumentException if its digits or rows disagree with its parameters or a
   *     coefficient is not reduced
   * @throws IOException from the stream
   */
  public static void write(OutputStream out, SwitchingKey key) throws IOException {
    write(out, key, Form.AUTO);
  }

  /**
   * Writes a relinearisation or Galois key in the given form.
   *
   * @throws IllegalArgumentException for {@link Form#SEEDED} without a seed, digits or rows that
   *     disagree with the parameters, or an unreduced coefficient
   * @throws IOException from the stream
   */
  public static void write(OutputStream out, SwitchingKey key, Form form) throws IOException {
    boolean seeded = seeded(key.seed(), form, "switching key");
    checkKeyShape(key, seeded);
    BinaryWriter w = new BinaryWriter(out);
    header(w, Type.SWITCHING_KEY, seeded ? Format.FLAG_SEEDED : 0);
    w.bytes(key.parameters().digest());
    writeKeyRecord(w, key, seeded);
    w.finish();
  }

  /**
   * Reads a relinearisation or Galois key made under the context's parameters; a seeded one gets
   * its {@code a_j} regenerated from its seed, which it keeps.
   *
   * @throws FormatException for malformed input, other parameters, a Galois element that is
   *     neither 0 nor odd in (0, 2N), a digit count other than dnum, a row count other than qCount
   *     + pCount, or an unreduced coefficient
   * @throws IOException from the stream
   */
  public static SwitchingKey readSwitchingKey(InputStream in, HeContext ctx) throws IOException {
    BinaryReader r = new BinaryReader(in);
    boolean seeded = readHeader(r, Type.SWITCHING_KEY, ctx.parameters()) == Format.FLAG_SEEDED;
    return readKeyRecord(r, ctx, seeded, r.i64("Galois element"));
  }

  /** Bytes {@link #write(OutputStream, SwitchingKey)} produces. */
  public static long serializedSize(SwitchingKey key) {
    return serializedSize(key, Form.AUTO);
  }

  /** Bytes {@link #write(OutputStream, SwitchingKey, Form)} produces. */
  public static long serializedSize(SwitchingKey key, Form form) {
    return switchingKeySize(key.parameters(), seeded(key.seed(), form, "switching key"));
  }

  /** Bytes of one relinearisation or Galois key under {@code params}, full or seeded. */
  public static long switchingKeySize(Parameters params, boolean seeded) {
    return prefix() + keyRecordBytes(params, seeded);
  }

  private static long keyRecordBytes(Parameters params, boolean seeded) {
    long polys = (long) params.dnum() * rowsAllBytes(params);
    return 8 + 4 + 4 + (seeded ? Format.SEED_BYTES + polys : 2 * polys);
  }

  private static void checkKeyShape(SwitchingKey key, boolean seeded) {
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
      if (!seeded) {
        requireRows(key.a(j), rows, "switching key a" + j);
      }
    }
  }

  private static void writeKeyRecord(BinaryWriter w, SwitchingKey key, boolean seeded)
      throws IOException {
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

  /** The rest of a key record after its Galois element, which the caller has read and passes. */
  private static SwitchingKey readKeyRecord(
      BinaryReader r, HeContext ctx, boolean seeded, long galois) throws IOException {
    Parameters params = ctx.parameters();
    checkGaloisElement(galois, params);
    int digits = r.i32("digit count");
    if (digits != params.dnum()) {
      throw new FormatException("switching key has " + unsigned(digits)
          + " digits, the parameters have dnum = " + params.dnum());
    }
    readRowCount(r, params);
    byte[] seed = seeded ? r.bytes(Format.SEED_BYTES, "seed") : null;
    long[][][] b = new long[digits][][];
    long[][][] a = new long[digits][][];
    for (int j = 0; j < digits; j++) {
      b[j] = readRowsAll(r, params, "switching key b" + j);
      a[j] = seeded ? expand(ctx, seed, j) : readRowsAll(r, params, "switching key a" + j);
    }
    return new SwitchingKey(params, galois, b, a, seed);
  }

  private static void checkGaloisElement(long g, Parameters params) throws FormatException {
    if (g != 0 && !validGaloisElement(g, params)) {
      throw new FormatException("Galois element " + Long.toUnsignedString(g)
          + " is neither 0 (relinearisation) nor odd in (0, 2N = " + 2L * params.n() + ")");
    }
  }

  private static boolean validGaloisElement(long g, Parameters params) {
    return g > 0 && g < 2L * params.n() && (g & 1) == 1;
  }

  // =================================================================== evaluation keys

  /**
   * Writes an evaluation-key set, each key in {@link Form#AUTO} form (seeded when it holds a
   * seed).
   *
   * @throws IllegalArgumentException if a key's shape disagrees with the parameters or a
   *     coefficient is not reduced
   * @throws IOException from the stream
   */
  public static void write(OutputStream out, EvaluationKeys keys) throws IOException {
    write(out, keys, Form.AUTO);
  }

  /**
   * Writes an evaluation-key set: the relinearisation key (if any) then the Galois keys by
   * ascending element, each in the given form.
   *
   * @throws IllegalArgumentException for {@link Form#SEEDED} when a key has no seed, a key shape
   *     that disagrees with the parameters, or an unreduced coefficient
   * @throws IOException from the stream
   */
  public static void write(OutputStream out, EvaluationKeys keys, Form form) throws IOException {
    Parameters params = keys.parameters();
    List<SwitchingKey> all = keyList(keys);
    boolean[] seeded = new boolean[all.size()];
    for (int i = 0; i < seeded.length; i++) {
      SwitchingKey k = all.get(i);
      params.requireSame(k.parameters(), "evaluation key");
      seeded[i] = seeded(k.seed(), form, "switching key");
      checkKeyShape(k, seeded[i]);
    }
    BinaryWriter w = new BinaryWriter(out);
    header(w, Type.EVALUATION_KEYS, 0);
    w.bytes(params.digest());
    w.i32(all.size());
    for (int i = 0; i < seeded.length; i++) {
      w.u8(seeded[i] ? Format.FLAG_SEEDED : 0);
      writeKeyRecord(w, all.get(i), seeded[i]);
    }
    w.finish();
  }

  /** Relinearisation key first, then Galois keys by ascending element. */
  private static List<SwitchingKey> keyList(EvaluationKeys keys) {
    List<SwitchingKey> all = new ArrayList<>();
    if (keys.hasRelinearizationKey()) {
      all.add(keys.relinearizationKey());
    }
    all.addAll(keys.galoisKeys().values());
    return all;
  }

  /** Receives the keys of an evaluation-key set one at a time; see {@link #scanEvaluationKeys}. */
  @FunctionalInterface
  public interface KeyVisitor {
    void visit(SwitchingKey key) throws IOException;
  }

  /**
   * Reads an evaluation-key set made under the context's parameters.
   *
   * @throws FormatException for malformed input, other parameters, more than N + 1 keys, Galois
   *     elements not strictly ascending (duplicates) or invalid, a key shape that disagrees with the
   *     parameters, or an unreduced coefficient
   * @throws IOException from the stream
   */
  public static EvaluationKeys readEvaluationKeys(InputStream in, HeContext ctx)
      throws IOException {
    SwitchingKey[] relin = new SwitchingKey[1];
    List<SwitchingKey> galois = new ArrayList<>();
    scanEvaluationKeys(in, ctx, k -> {
      if (k.galoisElement() == 0) {
        relin[0] = k;
      } else {
        galois.add(k);
      }
    });
    return new EvaluationKeys(ctx.parameters(), relin[0], galois);
  }

  /**
   * Reads an evaluation-key set made under the context's parameters one key at a time, with every
   * check of {@link #readEvaluationKeys}, handing each key to {@code visitor} as soon as it is read
   * and keeping none: memory stays at one key whatever the size of the set (for checking an
   * uploaded set without holding it). Keys arrive in the set's order, the relinearisation key (if
   * any) first. A visitor that throws stops the scan.
   *
   * @return the number of keys read
   * @throws FormatException as {@link #readEvaluationKeys} does
   * @throws IOException from the stream or the visitor
   */
  public static int scanEvaluationKeys(InputStream in, HeContext ctx, KeyVisitor visitor)
      throws IOException {
    Objects.requireNonNull(visitor, "visitor");
    Parameters params = ctx.parameters();
    BinaryReader r = new BinaryReader(in);
    readHeader(r, Type.EVALUATION_KEYS, params);
    int count = r.i32("key count");
    // at most one relinearisation key and one key per odd element of (0, 2N): N of them
    long max = params.n() + 1L;
    if (count < 0 || count > max) {
      throw new FormatException("evaluation-key set claims " + unsigned(count)
          + " keys, at most " + max + " (relinearisation + N Galois keys) exist");
    }
    long previous = -1;
    for (int i = 0; i < count; i++) {
      int flags = r.u8("key flags");
      if ((flags & ~Format.FLAG_SEEDED) != 0) {
        throw new FormatException("unknown key flags 0x" + Integer.toHexString(flags));
      }
      long g = r.i64("Galois element");
      checkGaloisElement(g, params);
      if (g <= previous) {
        throw new FormatException("Galois element " + g + " follows " + previous
            + ": elements must be strictly ascending, without duplicates");
      }
      SwitchingKey k = readKeyRecord(r, ctx, flags == Format.FLAG_SEEDED, g);
      previous = g;
      visitor.visit(k);
    }
    return count;
  }

  /** Bytes {@link #write(OutputStream, EvaluationKeys)} produces. */
  public static long serializedSize(EvaluationKeys keys) {
    return serializedSize(keys, Form.AUTO);
  }

  /** Bytes {@link #write(OutputStream, EvaluationKeys, Form)} produces. */
  public static long serializedSize(EvaluationKeys keys, Form form) {
    long size = prefix() + 4;
    for (SwitchingKey k : keyList(keys)) {
      size += 1 + keyRecordBytes(keys.parameters(), seeded(k.seed(), form, "switching key"));
    }
    return size;
  }

  // =================================================================== secret key

  /**
   * Writes a secret key for its owner's own storage: its coefficients, 2 bits each. The access
   * token makes every such call easy to find; the key must never be sent to anyone else.
   *
   * @throws IOException from the stream
   */
  public static void writeSecretKey(OutputStream out, SecretKey sk, SecretKeyAccess access)
      throws IOException {
    Objects.requireNonNull(access, "access");
    Parameters params = sk.parameters();
    byte[] s = sk.coefficients(access);
    BinaryWriter w = new BinaryWriter(out);
    try {
      header(w, Type.SECRET_KEY, 0);
      w.bytes(params.digest());
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

  /**
   * Reads a secret key made under the context's parameters.
   *
   * @throws FormatException for malformed input, other parameters, a coefficient count other than
   *     N, or a coefficient outside {-1, 0, 1}
   * @throws IOException from the stream
   */
  public static SecretKey readSecretKey(InputStream in, HeContext ctx) throws IOException {
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
      return SecretKey.fromCoefficients(ctx, s);
    } finally {
      Arrays.fill(packed, (byte) 0);
      Arrays.fill(s, (byte) 0);
      r.wipe();
    }
  }

  /** Bytes {@link #writeSecretKey} produces under {@code params}. */
  public static long secretKeySize(Parameters params) {
    return prefix() + 4 + params.n() / 4;
  }

  // =================================================================== files

  /**
   * Writes a file atomically: {@code body} writes into a new temporary file in the target's
   * directory (owner-only permissions where the file system has them), which is forced to disk and
   * then moved over {@code target}. If anything fails, the temporary file is deleted and the target
   * is left as it was. {@code body} must not keep the stream; closing it is harmless.
   *
   * @throws IOException from the file system or from {@code body}
   */
  public static void writeAtomically(Path target, ObjectWriter body) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
    boolean moved = false;
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        BufferedOutputStream buffered =
            new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
        body.writeTo(new FilterOutputStream(buffered) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
          }

          @Override
          public void close() throws IOException {
            flush(); // the file is closed here, after it is forced to disk
          }
        });
        buffered.flush();
        ch.force(true);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
      moved = true;
    } finally {
      if (!moved) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException suppressed) {
          // the original failure matters more
        }
      }
    }
  }

  /**
   * Reads one object from a file with {@code reader}, e.g. {@code readFile(path, in ->
   * VeilIO.readCiphertext(in, ctx))}, and checks nothing follows it.
   *
   * @throws FormatException if the reader does, or if bytes remain after the object
   * @throws IOException from the file system
   */
  public static <T> T readFile(Path path, ObjectReader<T> reader) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
      T value = reader.readFrom(in);
      if (in.read() >= 0) {
        throw new FormatException("trailing bytes after the object in " + path);
      }
      return value;
    }
  }

  // =================================================================== shared pieces

  private static long prefix() {
    return Format.HEADER_BYTES + Format.DIGEST_BYTES;
  }

  private static void header(BinaryWriter w, Type type, int flags) throws IOException {
    w.bytes(Format.MAGIC);
    w.u16(Format.VERSION);
    w.u8(type.tag);
    w.u8(flags);
  }

  /**
   * Reads and checks the header, and the parameter digest unless {@code type} is PARAMETERS.
   *
   * @return the flags
   */
  private static int readHeader(BinaryReader r, Type type, Parameters params) throws IOException {
    byte[] magic = r.bytes(Format.MAGIC.length, "magic bytes");
    if (!Arrays.equals(magic, Format.MAGIC)) {
      throw new FormatException("not a Veil object: wrong magic bytes "
          + HexFormat.of().formatHex(magic) + " (expected " + HexFormat.of().formatHex(Format.MAGIC)
          + ", \"VEIL\")");
    }
    int version = r.u16("format version");
    if (version != Format.VERSION) {
      throw new FormatException("unsupported format version " + version
          + " (this reader supports version " + Format.VERSION + ")");
    }
    int tag = r.u8("object type");
    if (tag != type.tag) {
      Type found = Type.ofTag(tag);
      throw new FormatException("wrong object type: expected " + type.noun + ", found "
          + (found == null ? "unknown type " + tag : found.noun));
    }
    int flags = r.u8("flags");
    if ((flags & ~type.allowedFlags) != 0) {
      throw new FormatException("unknown flags 0x" + Integer.toHexString(flags) + " for "
          + type.noun);
    }
    if (type != Type.PARAMETERS) {
      byte[] digest = r.bytes(Format.DIGEST_BYTES, "parameter digest");
      if (!MessageDigest.isEqual(digest, params.digest())) {
        throw new FormatException(type.noun.substring(type.noun.indexOf(' ') + 1)
            + " made for other parameters (digest " + HexFormat.of().formatHex(digest, 0, 4)
            + "..., the reader has " + params.shortId() + ")");
      }
    }
    return flags;
  }

  private static int readLevel(BinaryReader r, Parameters params) throws IOException {
    int level = r.i32("level");
    if (level < 0 || level > params.maxLevel()) {
      throw new FormatException("level " + unsigned(level) + " is outside [0, "
          + params.maxLevel() + "] of the parameters");
    }
    return level;
  }

  private static double readScale(BinaryReader r) throws IOException {
    double scale = r.f64("scale");
    if (!(scale > 0) || Double.isInfinite(scale)) {
      throw new FormatException("scale must be finite and positive, got " + scale);
    }
    return scale;
  }

  private static void readRowCount(BinaryReader r, Parameters params) throws IOException {
    int rows = r.i32("row count");
    int expected = params.qCount() + params.pCount();
    if (rows != expected) {
      throw new FormatException("key has " + unsigned(rows) + " rows, the parameters have "
          + expected + " primes (qCount + pCount)");
    }
  }

  private static String unsigned(int v) {
    return Integer.toUnsignedString(v);
  }

  private static boolean seeded(byte[] seed, Form form, String what) {
    switch (Objects.requireNonNull(form, "form")) {
      case FULL:
        return false;
      case SEEDED:
        if (seed == null) {
          throw new IllegalArgumentException("the " + what + " has no seed to write");
        }
        return true;
      default:
        return seed != null;
    }
  }

  private static void requireRows(long[][] poly, int rows, String what) {
    if (poly == null || poly.length < rows) {
      throw new IllegalArgumentException(what + " has " + (poly == null ? 0 : poly.length)
          + " rows, the parameters need " + rows);
    }
  }

  private static long rowsQBytes(Parameters params, int level) {
    long sum = 0;
    for (int i = 0; i <= level; i++) {
      sum += Format.rowBytes(params.n(), params.q(i));
    }
    return sum;
  }

  private static long rowsAllBytes(Parameters params) {
    long sum = 0;
    for (long q : params.allPrimes()) {
      sum += Format.rowBytes(params.n(), q);
    }
    return sum;
  }

  private static void writeRowsQ(BinaryWriter w, Parameters params, long[][] poly, int level,
      String what) throws IOException {
    requireRows(poly, level + 1, what);
    for (int i = 0; i <= level; i++) {
      w.row(poly[i], params.n(), params.q(i), what + " row " + i);
    }
  }

  private static void readRowsQ(BinaryReader r, Parameters params, long[][] poly, int level,
      String what) throws IOException {
    for (int i = 0; i <= level; i++) {
      r.row(poly[i], params.n(), params.q(i), what + " row " + i);
    }
  }

  private static void writeRowsAll(BinaryWriter w, Parameters params, long[][] poly, String what)
      throws IOException {
    long[] primes = params.allPrimes();
    requireRows(poly, primes.length, what);
    for (int i = 0; i < primes.length; i++) {
      w.row(poly[i], params.n(), primes[i], what + " row " + i);
    }
  }

  private static long[][] readRowsAll(BinaryReader r, Parameters params, String what)
      throws IOException {
    long[] primes = params.allPrimes();
    long[][] poly = new long[primes.length][params.n()];
    for (int i = 0; i < primes.length; i++) {
      r.row(poly[i], params.n(), primes[i], what + " row " + i);
    }
    return poly;
  }

  /** Stream {@code stream} of {@code seed} over every prime, as keys are generated. */
  private static long[][] expand(HeContext ctx, byte[] seed, long stream) {
    Parameters params = ctx.parameters();
    int[] all = ctx.qpIndices(params.maxLevel());
    long[][] a = ctx.ring().newPoly(all.length);
    Sampler.uniform(new Prng(seed, stream), a, ctx.ring(), all);
    return a;
  }
}
