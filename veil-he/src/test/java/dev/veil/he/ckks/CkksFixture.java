package dev.veil.he.ckks;

import java.util.ArrayList;
import java.util.List;

import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Decryptor;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.Plaintext;
import dev.veil.he.rlwe.PublicKey;
import dev.veil.he.rlwe.SecretKey;
import dev.veil.he.rlwe.SwitchingKey;

/**
 * A context with its keys, encoder, encryptors, decryptor and evaluator, built once per test
 * class. Secret-key encryption is the default (lower noise); {@link #pkEncryptor} is there for the
 * public-key tests.
 */
final class CkksFixture implements AutoCloseable {
  final Parameters params;
  final HeContext context;
  final Encoder encoder;
  final KeyGenerator keyGenerator;
  final SecretKey secretKey;
  final PublicKey publicKey;
  final Encryptor skEncryptor;
  final Encryptor pkEncryptor;
  final Decryptor decryptor;
  final EvaluationKeys keys;
  final Evaluator evaluator;
  final NoiseEstimator noise;

  private CkksFixture(Parameters params, int threads, boolean relinearization,
      boolean conjugation, int... rotations) {
    this.params = params;
    this.context = new HeContext(params, threads);
    this.encoder = new Encoder(context);
    this.keyGenerator = new KeyGenerator(context);
    this.secretKey = keyGenerator.secretKey();
    this.publicKey = keyGenerator.publicKey(secretKey);
    this.skEncryptor = Encryptor.withSecretKey(context, secretKey);
    this.pkEncryptor = Encryptor.withPublicKey(context, publicKey);
    this.decryptor = new Decryptor(context, secretKey);
    List<SwitchingKey> galois = new ArrayList<>(
        keyGenerator.galoisKeys(secretKey, Evaluator.galoisElements(params, rotations)));
    if (conjugation) {
      galois.add(keyGenerator.galoisKey(secretKey, Evaluator.conjugationElement(params)));
    }
    this.keys = new EvaluationKeys(
        params, relinearization ? keyGenerator.relinearizationKey(secretKey) : null, galois);
    this.evaluator = new Evaluator(context, keys);
    this.noise = new NoiseEstimator(params);
  }

  /**
   * The small test set: N = 2^12, Q = {60, 40, 40} (2 levels), P = {61}, scale 2^40. One special
   * prime, so each key-switching digit is one data prime (dnum 3). log2(QP) = 201 is above the
   * 128-bit bound for N = 2^12, hence securityOff.
   */
  static Parameters standardParameters() {
    return Parameters.builder().logN(12).logQ(60, 40, 40).logP(61).securityOff().build();
  }

  /** Single-threaded fixture with a relinearisation key, conjugation and the given rotations. */
  static CkksFixture create(Parameters params, int... rotations) {
    return new CkksFixture(params, 1, true, true, rotations);
  }

  static CkksFixture create(Parameters params, int threads, boolean relinearization,
      boolean conjugation, int... rotations) {
    return new CkksFixture(params, threads, relinearization, conjugation, rotations);
  }

  int slots() {
    return params.slots();
  }

  double scale() {
    return params.defaultScale();
  }

  int maxLevel() {
    return params.maxLevel();
  }

  Plaintext encode(Slots v, int level, double scale) {
    return encoder.encode(v.re(), v.im(), level, scale);
  }

  Slots decode(Plaintext pt) {
    double[] re = new double[slots()];
    double[] im = new double[slots()];
    encoder.decode(pt, re, im);
    return new Slots(re, im);
  }

  /** Secret-key encryption at the top level and default scale. */
  Ciphertext encrypt(Slots v) {
    return encrypt(v, maxLevel(), scale());
  }

  Ciphertext encrypt(Slots v, int level, double scale) {
    return skEncryptor.encrypt(encode(v, level, scale));
  }

  Slots decrypt(Ciphertext ct) {
    return decode(decryptor.decrypt(ct));
  }

  static PrecisionStats precision(Slots expected, Slots actual) {
    return PrecisionStats.of(expected.re(), expected.im(), actual.re(), actual.im());
  }

  PrecisionStats precision(Slots expected, Ciphertext ct) {
    return precision(expected, decrypt(ct));
  }

  /**
   * Asserts that {@code ct} decrypts to {@code expected} as precisely as the noise model says for
   * an error of {@code variance} at the ciphertext's scale (plus the decoding FFT error).
   */
  void assertPrecise(String what, Slots expected, Ciphertext ct, double variance) {
    double v = variance + noise.fft(expected.maxAbs(), ct.scale());
    NoiseModel.assertPrecision(
        what, precision(expected, ct), NoiseModel.floors(ct.scale(), v, slots()));
  }

  /**
   * As {@link #assertPrecise(String, Slots, Ciphertext, double)} with the worst-slot floor lowered
   * by {@code extraTailBits}, for errors with a heavier tail than a Gaussian.
   */
  void assertPrecise(String what, Slots expected, Ciphertext ct, double variance,
      double extraTailBits) {
    double v = variance + noise.fft(expected.maxAbs(), ct.scale());
    NoiseModel.Floors fl = NoiseModel.floors(ct.scale(), v, slots());
    NoiseModel.assertPrecision(what, precision(expected, ct),
        new NoiseModel.Floors(fl.mean(), fl.median(), fl.min() - extraTailBits));
  }

  /**
   * As {@link #assertPrecise(String, Slots, Ciphertext, double)} without the worst-slot floor:
   * only where a known, separately tested defect concentrates error on a few slots.
   */
  void assertPreciseExceptWorstSlot(String what, Slots expected, Ciphertext ct, double variance) {
    double v = variance + noise.fft(expected.maxAbs(), ct.scale());
    NoiseModel.assertPrecision(what, precision(expected, ct),
        NoiseModel.floors(ct.scale(), v, slots()).withoutWorstSlot());
  }

  /** As {@link #assertPrecise(String, Slots, Ciphertext, double)} for an error shared by all slots. */
  void assertPreciseShared(String what, Slots expected, Ciphertext ct, double variance) {
    double v = variance + noise.fft(expected.maxAbs(), ct.scale());
    NoiseModel.assertPrecision(
        what, precision(expected, ct), NoiseModel.sharedFloors(ct.scale(), v, slots()));
  }

  /** As {@link #assertPrecise(String, Slots, Ciphertext, double)} for a decoded plaintext. */
  void assertPrecise(String what, Slots expected, Plaintext pt, double variance) {
    double v = variance + noise.fft(expected.maxAbs(), pt.scale());
    NoiseModel.assertPrecision(
        what, precision(expected, decode(pt)), NoiseModel.floors(pt.scale(), v, slots()));
  }

  @Override
  public void close() {
    context.close();
  }
}
