package dev.veil.he.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;

import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.Plaintext;
import dev.veil.he.rlwe.PublicKey;
import dev.veil.he.rlwe.SecretKey;
import dev.veil.he.rlwe.SecretKeyAccess;
import dev.veil.he.rlwe.SwitchingKey;

/**
 * The entry point for reading and writing parameters, plaintexts, ciphertexts and keys in the
 * versioned binary format described in {@link dev.veil.he.io the package documentation}. Each
 * method hands over to the codec of its object type; this class holds no logic of its own.
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
 * problem, including input that ends early, is a {@link FormatException} naming it. The
 * object's SHA-256 trailer is checked before anything is returned, so a changed byte anywhere
 * (header, body or trailer) is refused. A reader
 * consumes exactly one object's bytes, so objects may follow one another on one stream; it does
 * its own chunked reads, so no extra buffering is needed.
 */
public final class VeilIO {
  private VeilIO() {}

  /** The format version this class writes (2: every object ends with a SHA-256 trailer). */
  public static final int FORMAT_VERSION = Format.VERSION;

  /**
   * The oldest version read: version 1, the same layout without the trailer, so files written
   * before version 2 (secret keys above all) stay readable; a changed byte in a version-1 body is
   * caught only where a field or coefficient check catches it.
   */
  public static final int OLDEST_READABLE_VERSION = Format.OLDEST_READABLE_VERSION;

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
    /** Writes the object to {@code out}, which it must not keep. */
    void writeTo(OutputStream out) throws IOException;
  }

  /** Reads one object from a stream; for {@link #readFile}. */
  @FunctionalInterface
  public interface ObjectReader<T> {
    /** Reads the object from {@code in}. */
    T readFrom(InputStream in) throws IOException;
  }

  /** Receives the keys of an evaluation-key set one at a time; see {@link #scanEvaluationKeys}. */
  @FunctionalInterface
  public interface KeyVisitor {
    /** Takes the next key of the set. */
    void visit(SwitchingKey key) throws IOException;
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
   * What {@link #checkEvaluationKeys} found in a set.
   *
   * @param relinearization whether it holds the relinearisation key
   * @param galoisElements the Galois elements of its other keys, ascending
   * @param bytes bytes read
   */
  public record EvaluationKeysShape(boolean relinearization, List<Long> galoisElements,
      long bytes) {}

  // =================================================================== parameters

  /**
   * Writes parameters: their literal and their generated primes.
   *
   * @throws IOException from the stream
   */
  public static void write(OutputStream out, Parameters params) throws IOException {
    ParametersCodec.write(out, params);
  }

  /**
   * Reads parameters: rebuilds them from the literal with {@link Parameters#create} and checks that
   * the primes in the input are the ones generated.
   *
   * @throws FormatException for malformed input, an invalid literal or primes that differ
   * @throws IOException from the stream
   */
  public static Parameters readParameters(InputStream in) throws IOException {
    return ParametersCodec.read(in);
  }

  /** Bytes {@link #write(OutputStream, Parameters)} produces. */
  public static long serializedSize(Parameters params) {
    return ParametersCodec.size(params);
  }

  // =================================================================== plaintext

  /**
   * Writes a plaintext: level, scale and rows 0..level.
   *
   * @throws IllegalArgumentException if a coefficient is not reduced
   * @throws IOException from the stream
   */
  public static void write(OutputStream out, Plaintext pt) throws IOException {
    PlaintextCodec.write(out, pt);
  }

  /**
   * Reads a plaintext made under {@code params}.
   *
   * @throws FormatException for malformed input, other parameters, a level outside [0, maxLevel],
   *     a scale that is not finite and positive, or an unreduced coefficient
   * @throws IOException from the stream
   */
  public static Plaintext readPlaintext(InputStream in, Parameters params) throws IOException {
    return PlaintextCodec.read(in, params);
  }

  /** Bytes {@link #write(OutputStream, Plaintext)} produces. */
  public static long serializedSize(Plaintext pt) {
    return PlaintextCodec.size(pt.parameters(), pt.level());
  }

  /** Bytes of a plaintext at {@code level} under {@code params}. */
  public static long plaintextSize(Parameters params, int level) {
    return PlaintextCodec.size(params, level);
  }

  // =================================================================== ciphertext

  /**
   * Writes a ciphertext in {@link Form#AUTO} form: seeded when it holds a seed and has degree 1.
   *
   * @throws IllegalArgumentException if a coefficient is not reduced
   * @throws IOException from the stream
   */
  public static void write(OutputStream out, Ciphertext ct) throws IOException {
    CiphertextCodec.write(out, ct, Form.AUTO);
  }

  /**
   * Writes a ciphertext in the given form.
   *
   * @throws IllegalArgumentException for {@link Form#SEEDED} when the ciphertext has no seed or
   *     degree 2, or if a coefficient is not reduced
   * @throws IOException from the stream
   */
  public static void write(OutputStream out, Ciphertext ct, Form form) throws IOException {
    CiphertextCodec.write(out, ct, form);
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
    return CiphertextCodec.read(in, ctx);
  }

  /**
   * Reads and checks a ciphertext exactly as {@link #readCiphertext} does (header, parameter
   * digest, degree, level, scale, every coefficient below its prime) without building it: memory
   * of one row, no seed expansion. For checking uploads at stream speed.
   *
   * @throws FormatException for the input {@link #readCiphertext} refuses
   * @throws IOException from the stream
   */
  public static CiphertextShape checkCiphertext(InputStream in, Parameters params)
      throws IOException {
    return CiphertextCodec.check(in, params);
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
    return CiphertextCodec.size(ct.parameters(), ct.degree(), ct.level(),
        CiphertextCodec.seeded(ct, form));
  }

  /** Bytes of a ciphertext of this shape under {@code params} (seeded implies degree 1). */
  public static long ciphertextSize(Parameters params, int degree, int level, boolean seeded) {
    return CiphertextCodec.size(params, degree, level, seeded);
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
    PublicKeyCodec.write(out, pk, Form.AUTO);
  }

  /**
   * Writes a public key in the given form.
   *
   * @throws IllegalArgumentException for {@link Form#SEEDED} without a seed, rows that disagree
   *     with the parameters, or an unreduced coefficient
   * @throws IOException from the stream
   */
  public static void write(OutputStream out, PublicKey pk, Form form) throws IOException {
    PublicKeyCodec.write(out, pk, form);
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
    return PublicKeyCodec.read(in, ctx);
  }

  /**
   * Reads and checks a public key exactly as {@link #readPublicKey} does without building it:
   * memory of one row, no seed expansion, no context. For checking uploads.
   *
   * @return the bytes read
   * @throws FormatException for the input {@link #readPublicKey} refuses
   * @throws IOException from the stream
   */
  public static long checkPublicKey(InputStream in, Parameters params) throws IOException {
    return PublicKeyCodec.check(in, params);
  }

  /** Bytes {@link #write(OutputStream, PublicKey)} produces. */
  public static long serializedSize(PublicKey pk) {
    return serializedSize(pk, Form.AUTO);
  }

  /** Bytes {@link #write(OutputStream, PublicKey, Form)} produces. */
  public static long serializedSize(PublicKey pk, Form form) {
    return PublicKeyCodec.size(pk.parameters(), PublicKeyCodec.seeded(pk, form));
  }

  /** Bytes of a public key under {@code params}, full or seeded. */
  public static long publicKeySize(Parameters params, boolean seeded) {
    return PublicKeyCodec.size(params, seeded);
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
    SwitchingKeyCodec.write(out, key, Form.AUTO);
  }

  /**
   * Writes a relinearisation or Galois key in the given form.
   *
   * @throws IllegalArgumentException for {@link Form#SEEDED} without a seed, digits or rows that
   *     disagree with the parameters, or an unreduced coefficient
   * @throws IOException from the stream
   */
  public static void write(OutputStream out, SwitchingKey key, Form form) throws IOException {
    SwitchingKeyCodec.write(out, key, form);
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
    return SwitchingKeyCodec.read(in, ctx);
  }

  /** Bytes {@link #write(OutputStream, SwitchingKey)} produces. */
  public static long serializedSize(SwitchingKey key) {
    return serializedSize(key, Form.AUTO);
  }

  /** Bytes {@link #write(OutputStream, SwitchingKey, Form)} produces. */
  public static long serializedSize(SwitchingKey key, Form form) {
    return SwitchingKeyCodec.size(key.parameters(), SwitchingKeyCodec.seeded(key, form));
  }

  /** Bytes of one relinearisation or Galois key under {@code params}, full or seeded. */
  public static long switchingKeySize(Parameters params, boolean seeded) {
    return SwitchingKeyCodec.size(params, seeded);
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
    EvaluationKeysCodec.write(out, keys, Form.AUTO);
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
    EvaluationKeysCodec.write(out, keys, form);
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
    return EvaluationKeysCodec.read(in, ctx);
  }

  /**
   * Reads an evaluation-key set made under the context's parameters one key at a time, with every
   * check of {@link #readEvaluationKeys}, handing each key to {@code visitor} as soon as it is read
   * and keeping none: memory stays at one key whatever the size of the set (for checking an
   * uploaded set without holding it). Keys arrive in the set's order, the relinearisation key (if
   * any) first. A visitor that throws stops the scan. The set's SHA-256 trailer comes after the
   * last key, so keys reach the visitor before the set is known to be intact: act on them only
   * once this method has returned.
   *
   * @return the number of keys read
   * @throws FormatException as {@link #readEvaluationKeys} does
   * @throws IOException from the stream or the visitor
   */
  public static int scanEvaluationKeys(InputStream in, HeContext ctx, KeyVisitor visitor)
      throws IOException {
    return EvaluationKeysCodec.scan(in, ctx, visitor);
  }

  /**
   * Reads and checks an evaluation-key set exactly as {@link #readEvaluationKeys} does (header,
   * parameter digest, count, elements ascending and valid, digit and row counts, every
   * coefficient below its prime, the SHA-256 trailer) without building a key: memory of one row
   * (N longs) whatever the size of the set, no seed expansion and no context. For checking
   * uploads at stream speed.
   *
   * @throws FormatException for the input {@link #readEvaluationKeys} refuses
   * @throws IOException from the stream
   */
  public static EvaluationKeysShape checkEvaluationKeys(InputStream in, Parameters params)
      throws IOException {
    return EvaluationKeysCodec.check(in, params);
  }

  /** Bytes {@link #write(OutputStream, EvaluationKeys)} produces. */
  public static long serializedSize(EvaluationKeys keys) {
    return serializedSize(keys, Form.AUTO);
  }

  /** Bytes {@link #write(OutputStream, EvaluationKeys, Form)} produces. */
  public static long serializedSize(EvaluationKeys keys, Form form) {
    return EvaluationKeysCodec.size(keys, form);
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
    SecretKeyCodec.write(out, sk, access);
  }

  /**
   * Reads a secret key made under the context's parameters.
   *
   * @throws FormatException for malformed input, other parameters, a coefficient count other than
   *     N, or a coefficient outside {-1, 0, 1}
   * @throws IOException from the stream
   */
  public static SecretKey readSecretKey(InputStream in, HeContext ctx) throws IOException {
    return SecretKeyCodec.read(in, ctx);
  }

  /** Bytes {@link #writeSecretKey} produces under {@code params}. */
  public static long secretKeySize(Parameters params) {
    return SecretKeyCodec.size(params);
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
    CodecSupport.writeAtomically(target, body);
  }

  /**
   * Reads one object from a file with {@code reader}, e.g. {@code readFile(path, in ->
   * VeilIO.readCiphertext(in, ctx))}, and checks nothing follows it.
   *
   * @throws FormatException if the reader does, or if bytes remain after the object
   * @throws IOException from the file system
   */
  public static <T> T readFile(Path path, ObjectReader<T> reader) throws IOException {
    return CodecSupport.readFile(path, reader);
  }
}
