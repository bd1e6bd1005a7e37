package dev.veil.he.examples;

import java.util.List;
import java.util.Locale;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.ckks.LevelException;
import dev.veil.he.ckks.ParameterSelector;
import dev.veil.he.ckks.PrecisionStats;
import dev.veil.he.ckks.Presets;
import dev.veil.he.ckks.ScaleMismatchException;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Decryptor;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.InvalidParametersException;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.SecretKey;

/**
 * Example 2: scales, rescaling and levels, the bookkeeping every CKKS computation has to plan.
 *
 * <h2>Why a multiplication doubles the scale</h2>
 *
 * A value x travels as the integer {@code x * D} for the scale D (2^40 here). Adding two such
 * integers gives {@code (x + y) * D}: same scale. Multiplying gives {@code x * D * y * D = xy *
 * D^2}: the scale is squared, which in bits doubles (2^40 becomes 2^80). Left alone, a few
 * products would overflow any modulus.
 *
 * <h2>Rescaling</h2>
 *
 * The ciphertext modulus is a product of primes {@code q_0 q_1 ... q_L}. {@link
 * Evaluator#rescale} divides the ciphertext by the last prime {@code q_L} (with rounding) and
 * drops it: the scale becomes {@code D^2 / q_L}, close to D because {@code q_L} was chosen close
 * to D, and the ciphertext goes down one <em>level</em>. Veil tracks the scale exactly: it is
 * divided by the actual prime, not by 2^40, so decoding divides by the right number and no error
 * creeps in from pretending the two are equal.
 *
 * <h2>Levels run out</h2>
 *
 * At level 0 only {@code q_0} is left and nothing more can be divided away: a computation of
 * multiplicative depth d needs d levels, i.e. d primes after the first. The evaluator refuses
 * rather than decrypting to garbage: a rescale at level 0 is a {@link LevelException} that says
 * the computation is deeper than the parameters allow, and so is a product at level 0 whose
 * scale would no longer fit under {@code q_0}. Choosing enough
 * levels is the job of {@link ParameterSelector}.
 *
 * <h2>Constants and mismatched scales</h2>
 *
 * {@link Evaluator#mulConst} encodes the constant at the scale of the prime the next rescale
 * removes, so multiply-then-rescale returns exactly the input's scale. Two ciphertexts reached
 * by different paths may have scales that differ in the last digits (2^40 against 2^80 / q);
 * adding them would silently mix two units, so the evaluator refuses ({@link
 * ScaleMismatchException}) and {@link Evaluator#setScale} brings one to the other's scale at the
 * cost of one level.
 */
public final class Example2Rescaling {
  private Example2Rescaling() {}

  public static void main(String[] args) {
    System.out.println("== Example 2: rescaling, scales and levels ==");
    Parameters params = Presets.N13QP201.parameters();
    System.out.println(params);
    for (int i = 0; i <= params.maxLevel(); i++) {
      System.out.println(String.format(Locale.ROOT, "  q_%d = %d (2^%.6f)%s", i, params.q(i),
          log2(params.q(i)), i == 0 ? "  first prime: room for the value itself" : "  one level"));
    }

    try (HeContext ctx = new HeContext(params)) {
      KeyGenerator keygen = new KeyGenerator(ctx);
      SecretKey sk = keygen.secretKey();
      Encoder encoder = new Encoder(ctx);
      Encryptor encryptor = Encryptor.withPublicKey(ctx, keygen.publicKey(sk));
      Decryptor decryptor = new Decryptor(ctx, sk);
      Evaluator evaluator =
          new Evaluator(ctx, new EvaluationKeys(params, keygen.relinearizationKey(sk), List.of()));

      double[] x = new double[params.slots()];
      double[] y = new double[params.slots()];
      for (int i = 0; i < x.length; i++) {
        x[i] = 0.9 * Math.sin(i * 0.01);
        y[i] = 0.5 * Math.cos(i * 0.02);
      }
      Ciphertext cx = encryptor.encrypt(encoder.encode(x));
      show("x (fresh)", cx);

      // ------------------------------------------------------------- multiply, rescale
      Ciphertext x2 = evaluator.mulRelinNew(cx, cx);
      show("x^2 before rescale", x2);
      evaluator.rescale(x2, x2);
      show("x^2 after rescale", x2);
      System.out.println(String.format(Locale.ROOT,
          "  the rescale divided the scale by q_2 exactly: 2^80 / q_2 = 2^%.9f",
          log2(Math.pow(2, 80) / params.q(2))));
      report("x^2", map(x, v -> v * v), encoder.decode(decryptor.decrypt(x2)));

      Ciphertext x4 = evaluator.mulRelinNew(x2, x2);
      evaluator.rescale(x4, x4);
      show("x^4 after rescale", x4);
      report("x^4", map(x, v -> v * v * v * v), encoder.decode(decryptor.decrypt(x4)));

      // ------------------------------------------------------------- levels run out
      // x^8 would need a third level, and x^4 is at level 0. The product x^4 * x^4 would have
      // scale 2^80 under the 60-bit q_0 alone, and there is no prime left to divide it by:
      System.out.println("x^8 needs depth 3; these parameters have 2 levels");
      try {
        Ciphertext x8 = evaluator.mulRelinNew(x4, x4);
        evaluator.rescale(x8, x8);
        System.out.println("x^8 computed (this must not happen)");
      } catch (LevelException | ScaleMismatchException e) {
        System.out.println("x^8 at level 0: " + e.getClass().getSimpleName() + ": "
            + e.getMessage());
      }
      try {
        evaluator.rescale(x4, Ciphertext.empty(params));
        System.out.println("rescaled at level 0 (this must not happen)");
      } catch (LevelException e) {
        System.out.println("rescale at level 0: LevelException: " + e.getMessage());
      }

      // ------------------------------------------------------------- constants
      // mulConst encodes 0.25 at the scale q_2, the prime the rescale then removes: the scale
      // comes back to exactly what it was, and one level is spent.
      Ciphertext quarter = evaluator.mulConstNew(cx, 0.25);
      show("0.25 * x before rescale", quarter);
      evaluator.rescale(quarter, quarter);
      show("0.25 * x after rescale", quarter);
      System.out.println("  same scale as x after mulConst + rescale: "
          + (quarter.scale() == cx.scale()));
      report("0.25 * x", map(x, v -> 0.25 * v), encoder.decode(decryptor.decrypt(quarter)));
      // An integer constant needs no rescale at all: mulInt is exact and keeps the level.
      Ciphertext triple = evaluator.mulIntNew(cx, 3);
      show("3 * x (mulInt)", triple);

      // ------------------------------------------------------------- different scales
      // x^2 + y: x^2 has scale 2^80 / q_2, a fresh y has scale 2^40. They differ by about 1e-8
      // relatively, enough to refuse the addition.
      Ciphertext cy = encryptor.encrypt(encoder.encode(y));
      try {
        evaluator.addNew(x2, cy);
        System.out.println("added different scales (this must not happen)");
      } catch (ScaleMismatchException e) {
        System.out.println("x^2 + y: ScaleMismatchException: " + e.getMessage());
      }
      // setScale spends one level of y (which has a spare one: it is at level 2 and the sum
      // is taken at x^2's level 1 anyway) to give it exactly x^2's scale.
      Ciphertext yAligned = Ciphertext.empty(params);
      evaluator.setScale(cy, x2.scale(), yAligned);
      show("y after setScale", yAligned);
      Ciphertext sum = evaluator.addNew(x2, yAligned);
      show("x^2 + y", sum);
      double[] expected = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        expected[i] = x[i] * x[i] + y[i];
      }
      report("x^2 + y", expected, encoder.decode(decryptor.decrypt(sum)));
    }

    // --------------------------------------------------------------- planning depth
    // Count the multiplications on the longest path of the computation (x^8 by squaring: 3),
    // and ask for parameters with that many levels. Larger depth, larger modulus, larger N.
    System.out.println("planning: ParameterSelector.select(depth, scaleBits 40, slots 4096)");
    for (int depth : new int[] {2, 3, 8, 20}) {
      Parameters p = ParameterSelector.select(depth, 40, 4096);
      System.out.println(String.format(Locale.ROOT,
          "  depth %2d -> N = 2^%d, %d levels, log2(QP) = %.0f of the %d bits allowed",
          depth, p.logN(), p.maxLevel(), p.logQP(), Parameters.maxLogQP(p.logN())));
    }
    try {
      ParameterSelector.select(60, 40, 4096);
      System.out.println("  depth 60 accepted (this must not happen)");
    } catch (InvalidParametersException e) {
      System.out.println("  depth 60 -> refused: " + e.getMessage());
    }
  }

  private static void show(String what, Ciphertext ct) {
    System.out.println(String.format(Locale.ROOT, "%-26s level %d, scale 2^%.6f", what,
        ct.level(), log2(ct.scale())));
  }

  private static void report(String what, double[] expected, double[] actual) {
    PrecisionStats p = PrecisionStats.of(expected, actual);
    System.out.println(String.format(Locale.ROOT, "  %-24s %5.1f bits (worst slot %5.1f)",
        what, p.meanBits(), p.minBits()));
  }

  private static double[] map(double[] v, java.util.function.DoubleUnaryOperator f) {
    double[] r = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      r[i] = f.applyAsDouble(v[i]);
    }
    return r;
  }

  private static double log2(double v) {
    return Math.log(v) / Math.log(2);
  }
}
