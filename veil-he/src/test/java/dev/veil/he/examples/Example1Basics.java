package dev.veil.he.examples;

import java.util.List;
import java.util.Locale;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.ckks.ParameterSelector;
import dev.veil.he.ckks.PrecisionStats;
import dev.veil.he.ckks.Presets;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Decryptor;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.InvalidParametersException;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.PublicKey;
import dev.veil.he.rlwe.SecretKey;

/**
 * Example 1: the basics of the CKKS engine, from parameters to a decrypted product.
 *
 * <h2>What CKKS computes</h2>
 *
 * CKKS encrypts a vector of N/2 real (or complex) numbers, the <em>slots</em>, and computes on
 * all of them at once: adding two ciphertexts adds slot by slot, multiplying multiplies slot by
 * slot. The arithmetic is approximate: every value is carried as an integer {@code round(x *
 * scale)} plus a small noise, so a result decrypts to the true value up to an error of roughly
 * {@code noise / scale}. This example measures that error in bits, {@code -log2 |error|}, with
 * {@link PrecisionStats}: 30 bits means the result is right to about nine decimal places.
 *
 * <h2>The steps</h2>
 *
 * <ol>
 *   <li><b>Parameters.</b> A ring degree N (which fixes the number of slots, N/2), a chain of
 *       primes whose product Q is the ciphertext modulus (each prime but the first is one
 *       multiplicative level, see {@link Example2Rescaling}), special primes P for key switching
 *       and the default scale. Take a named {@link Presets preset}, or let {@link
 *       ParameterSelector} choose the smallest secure set for what you intend to compute.
 *   <li><b>Security check.</b> The hardness of Ring-LWE depends on N and on the size of QP: the
 *       larger the modulus for a given N, the easier the lattice attacks. {@link Parameters}
 *       refuses any set whose log2(QP) exceeds the HomomorphicEncryption.org standard's bound
 *       for 128-bit security; only tests may switch the check off ({@code securityOff()}).
 *   <li><b>Context.</b> {@link HeContext} holds the parameters and what is precomputed from them
 *       (NTT tables, basis converters) and the worker threads. It holds no key, is shared by
 *       everything below, and is closed when done.
 *   <li><b>Keys.</b> The secret key stays with its owner; the public key lets anyone encrypt;
 *       the relinearisation key (an evaluation key) lets an untrusted evaluator multiply.
 *   <li><b>Encode, encrypt, evaluate, decrypt, decode.</b>
 * </ol>
 *
 * <p>Run it with {@code mvn -q -pl veil-he test -Dtest='dev.veil.he.examples.ExamplesTest'}, or
 * run this class's {@code main} from an IDE (the examples live with the tests).
 */
public final class Example1Basics {
  private Example1Basics() {}

  public static void main(String[] args) {
    System.out.println("== Example 1: basics ==");

    // ---------------------------------------------------------------- 1. parameters
    // A preset: N = 2^13 (4096 slots), Q = 60 + 40 + 40 bits (two levels), P = 61 bits, scale 2^40.
    Parameters preset = Presets.N13QP201.parameters();
    System.out.println("preset N13QP201:      " + preset);

    // From intent: "one multiplication, scale 2^40, 4096 slots". The selector returns the
    // smallest ring degree whose 128-bit modulus budget fits the primes that depth needs.
    Parameters chosen = ParameterSelector.select(1, 40, 4096);
    System.out.println("selector(depth 1):    " + chosen);
    Parameters deeper = ParameterSelector.select(6, 40, 4096);
    System.out.println("selector(depth 6):    " + deeper
        + "  <- more levels need a larger modulus, hence a larger N");

    // ---------------------------------------------------------------- 2. the security check
    // The same primes as the preset on a ring half the size would be breakable: 201 bits of QP
    // at N = 2^12, where the standard allows 109. The builder refuses, saying why.
    try {
      Parameters.builder().logN(12).logQ(60, 40, 40).logP(61).build();
      System.out.println("insecure parameters were accepted (this must not happen)");
    } catch (InvalidParametersException e) {
      System.out.println("refused: " + e.getMessage());
    }
    System.out.println("128-bit bound on log2(QP) at N = 2^12: " + Parameters.maxLogQP(12)
        + " bits, at N = 2^13: " + Parameters.maxLogQP(13) + " bits");

    // ---------------------------------------------------------------- 3-5. the whole round
    // [readme] README.md, "Using the engine", shows this block verbatim (ExamplesTest checks it)
    Parameters params = Presets.N13QP201.parameters();     // 128-bit secure, N = 2^13, 4096 slots
    try (HeContext ctx = new HeContext(params)) {
      KeyGenerator keygen = new KeyGenerator(ctx);          // secrets from SecureRandom
      SecretKey sk = keygen.secretKey();                    // never leaves its owner
      PublicKey pk = keygen.publicKey(sk);
      EvaluationKeys evk = new EvaluationKeys(params, keygen.relinearizationKey(sk), List.of());

      Encoder encoder = new Encoder(ctx);
      Encryptor encryptor = Encryptor.withPublicKey(ctx, pk);
      Evaluator evaluator = new Evaluator(ctx, evk);        // holds no secret
      Decryptor decryptor = new Decryptor(ctx, sk);

      double[] x = {1.5, 2.0, -3.25};                       // the other 4093 slots are 0
      double[] y = {0.5, -1.0, 2.0};
      Ciphertext cx = encryptor.encrypt(encoder.encode(x));
      Ciphertext cy = encryptor.encrypt(encoder.encode(y));
      Ciphertext sum = evaluator.addNew(cx, cy);            // slot by slot: x + y
      Ciphertext product = evaluator.mulRelinNew(cx, cy);   // x * y, relinearised
      evaluator.rescale(product, product);                  // scale 2^80 -> about 2^40

      double[] s = encoder.decode(decryptor.decrypt(sum));
      double[] p = encoder.decode(decryptor.decrypt(product));
      System.out.printf(Locale.ROOT, "x + y = %.6f %.6f %.6f%n", s[0], s[1], s[2]);
      System.out.printf(Locale.ROOT, "x * y = %.6f %.6f %.6f%n", p[0], p[1], p[2]);
    }
    // [/readme]

    // ---------------------------------------------------------------- the same, measured
    // Every slot is used this time, and each step's error is printed in bits.
    try (HeContext ctx = new HeContext(params)) {
      KeyGenerator keygen = new KeyGenerator(ctx);
      SecretKey sk = keygen.secretKey();
      PublicKey pk = keygen.publicKey(sk);
      Evaluator evaluator = new Evaluator(ctx,
          new EvaluationKeys(params, keygen.relinearizationKey(sk), List.of()));
      Encoder encoder = new Encoder(ctx);
      Encryptor encryptor = Encryptor.withPublicKey(ctx, pk);
      Decryptor decryptor = new Decryptor(ctx, sk);

      double[] x = new double[params.slots()];
      double[] y = new double[params.slots()];
      double[] xPlusY = new double[x.length];
      double[] xTimesY = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = Math.sin(i * 0.001);
        y[i] = Math.cos(i * 0.003) / 2;
        xPlusY[i] = x[i] + y[i];
        xTimesY[i] = x[i] * y[i];
      }
      System.out.println("precision over all " + x.length + " slots (-log2 of the error):");
      // Encoding alone rounds x * scale to integers. Each slot sums N rounding errors, so the
      // precision is a little above log2(scale) - log2(N)/2 = 40 - 6.5 bits.
      report("encode -> decode (no encryption)", x, encoder.decode(encoder.encode(x)));
      // Encryption adds a small random noise; decryption leaves it in place.
      Ciphertext cx = encryptor.encrypt(encoder.encode(x));
      Ciphertext cy = encryptor.encrypt(encoder.encode(y));
      report("encrypt -> decrypt", x, encoder.decode(decryptor.decrypt(cx)));
      report("x + y", xPlusY, encoder.decode(decryptor.decrypt(evaluator.addNew(cx, cy))));

      // Multiplying two ciphertexts (c0, c1) gives three polynomials (d0, d1, d2), which
      // decrypt with 1, s and s^2. Relinearisation uses the relinearisation key to fold d2 back
      // into two polynomials, so that ciphertexts do not keep growing; it adds a little noise.
      Ciphertext degree2 = evaluator.mulNew(cx, cy);
      Ciphertext relinearised = evaluator.relinearizeNew(degree2);
      System.out.println("x * y has degree " + degree2.degree() + " (three polynomials); "
          + "relinearised, degree " + relinearised.degree());
      report("x * y (degree 2)", xTimesY, encoder.decode(decryptor.decrypt(degree2)));
      report("x * y relinearised", xTimesY, encoder.decode(decryptor.decrypt(relinearised)));
      Ciphertext rescaled = evaluator.rescaleNew(relinearised);
      report("x * y relinearised and rescaled", xTimesY,
          encoder.decode(decryptor.decrypt(rescaled)));
      System.out.println(String.format(Locale.ROOT,
          "the product went down one level (%d -> %d); Example 2 explains levels and scales",
          cx.level(), rescaled.level()));
    }
  }

  /** Prints the precision of {@code actual} against {@code expected}, in bits. */
  static void report(String what, double[] expected, double[] actual) {
    PrecisionStats p = PrecisionStats.of(expected, actual);
    System.out.println(String.format(Locale.ROOT, "  %-38s %5.1f bits (worst slot %5.1f)",
        what, p.meanBits(), p.minBits()));
  }
}
