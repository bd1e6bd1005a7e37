package dev.veil.he.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.ckks.PrecisionStats;
import dev.veil.he.ckks.Presets;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Decryptor;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.MissingKeyException;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.SecretKey;
import dev.veil.he.rlwe.SwitchingKey;

/**
 * Example 3: moving data between slots: rotations, conjugation, hoisting and sums.
 *
 * <h2>Rotations are automorphisms, and each needs its own key</h2>
 *
 * Additions and multiplications work slot by slot; nothing so far moves a value from one slot to
 * another. A rotation by k does: slot j receives what was in slot j + k (cyclically over the N/2
 * slots; negative k rotates right). Underneath, it applies the ring automorphism {@code X ->
 * X^g} with the Galois element {@code g = 5^k mod 2N}, which also turns the secret s into {@code
 * s(X^g)}; a <em>Galois key</em> for g (a key-switching key made by the secret-key owner)
 * brings the result back under s. So the evaluator can rotate by k only if the owner generated
 * the key for k, and {@link Evaluator#galoisElements} gives the elements of the rotations a
 * computation uses. Each key is as large as a relinearisation key (1.5 MiB in memory with this preset), so
 * generate exactly what is needed: a missing key is an error that names the rotation ({@link
 * MissingKeyException}), never a silent fallback.
 *
 * <h2>Conjugation</h2>
 *
 * Slots hold complex numbers; {@link Evaluator#conjugate} maps each {@code a + bi} to {@code a -
 * bi} (the Galois element {@code 2N - 1}). Adding a ciphertext to its conjugate keeps twice the
 * real parts, a common step when complex slots carry two real vectors.
 *
 * <h2>Hoisting</h2>
 *
 * Most of a rotation's cost is decomposing the ciphertext for key switching, and that part does
 * not depend on the rotation. {@link Evaluator#rotateHoisted} decomposes once and applies any
 * number of rotations (Halevi-Shoup hoisting): k rotations of the same ciphertext cost less than
 * k separate ones, since the decomposition is done once. Same results, same noise.
 *
 * <h2>Summing a vector</h2>
 *
 * {@link Evaluator#rotateAndSum} adds a vector to rotated copies of itself by 1, 2, 4, ...: after
 * log2(count) steps every slot holds the sum of {@code count} consecutive slots. Multiplying by
 * a plaintext vector first makes this an inner product, the core of a linear model.
 */
public final class Example3Rotations {
  private Example3Rotations() {}

  public static void main(String[] args) {
    System.out.println("== Example 3: rotations ==");
    Parameters params = Presets.N13QP201.parameters();
    int slots = params.slots();
    try (HeContext ctx = new HeContext(params)) {
      KeyGenerator keygen = new KeyGenerator(ctx);
      SecretKey sk = keygen.secretKey();
      Encoder encoder = new Encoder(ctx);
      Encryptor encryptor = Encryptor.withPublicKey(ctx, keygen.publicKey(sk));
      Decryptor decryptor = new Decryptor(ctx, sk);

      // ------------------------------------------------------------- keys for what is needed
      // The computation below rotates by 1, -1 and 4 and conjugates: four Galois keys.
      int[] rotations = {1, -1, 4};
      List<SwitchingKey> galois =
          new ArrayList<>(keygen.galoisKeys(sk, Evaluator.galoisElements(params, rotations)));
      galois.add(keygen.galoisKey(sk, Evaluator.conjugationElement(params)));
      EvaluationKeys evk = new EvaluationKeys(params, keygen.relinearizationKey(sk), galois);
      for (SwitchingKey k : evk.galoisKeys().values()) {
        System.out.println(String.format(Locale.ROOT,
            "Galois key for element %5d: %.1f MiB", k.galoisElement(), mib(k.memoryBytes())));
      }
      System.out.println("keys generated: rotations 1, -1, 4 and conjugation, "
          + evk.galoisKeys().size() + " in all (every rotation would take " + (slots - 1) + ")");
      Evaluator evaluator = new Evaluator(ctx, evk);

      double[] x = new double[slots];
      for (int i = 0; i < slots; i++) {
        x[i] = Math.sin(2 * Math.PI * i / slots) + (i % 7) / 10.0;
      }
      Ciphertext cx = encryptor.encrypt(encoder.encode(x));

      // ------------------------------------------------------------- rotate
      Ciphertext r4 = evaluator.rotateNew(cx, 4);
      double[] got = encoder.decode(decryptor.decrypt(r4));
      System.out.println(String.format(Locale.ROOT,
          "rotate by 4: slot 0 now holds %.6f (x[4] = %.6f); slot %d holds %.6f (x[3] = %.6f)",
          got[0], x[4], slots - 1, got[slots - 1], x[3]));
      report("rotate by 4", rotated(x, 4), got);

      // ------------------------------------------------------------- hoisted rotations
      // A central difference, x[j+1] - x[j-1], needs two rotations of the same ciphertext:
      // hoisting shares their key-switching decomposition.
      Ciphertext[] hoisted = evaluator.rotateHoisted(cx, 1, -1);
      Ciphertext diff = evaluator.subNew(hoisted[0], hoisted[1]);
      double[] expectedDiff = new double[slots];
      for (int j = 0; j < slots; j++) {
        expectedDiff[j] = x[(j + 1) % slots] - x[(j - 1 + slots) % slots];
      }
      report("hoisted rotate by 1", rotated(x, 1), encoder.decode(decryptor.decrypt(hoisted[0])));
      report("hoisted rotate by -1", rotated(x, -1),
          encoder.decode(decryptor.decrypt(hoisted[1])));
      report("x[j+1] - x[j-1]", expectedDiff, encoder.decode(decryptor.decrypt(diff)));
      PrecisionStats same = PrecisionStats.of(
          encoder.decode(decryptor.decrypt(evaluator.rotateNew(cx, 1))),
          encoder.decode(decryptor.decrypt(hoisted[0])));
      System.out.println(String.format(Locale.ROOT,
          "hoisted and plain rotation by 1 agree to %.1f bits", same.meanBits()));

      // ------------------------------------------------------------- conjugate
      double[] re = new double[slots];
      double[] im = new double[slots];
      for (int j = 0; j < slots; j++) {
        re[j] = Math.cos(j * 0.01);
        im[j] = Math.sin(j * 0.01);
      }
      Ciphertext cz = encryptor.encrypt(
          encoder.encode(re, im, params.maxLevel(), params.defaultScale()));
      Ciphertext conj = evaluator.conjugateNew(cz);
      double[] outRe = new double[slots];
      double[] outIm = new double[slots];
      encoder.decode(decryptor.decrypt(conj), outRe, outIm);
      System.out.println(String.format(Locale.ROOT,
          "conjugate: slot 100 was %.6f%+.6fi, is %.6f%+.6fi", re[100], im[100], outRe[100],
          outIm[100]));
      double[] minusIm = new double[slots];
      for (int j = 0; j < slots; j++) {
        minusIm[j] = -im[j];
      }
      PrecisionStats pc = PrecisionStats.of(re, minusIm, outRe, outIm);
      System.out.println(String.format(Locale.ROOT, "  %-24s %5.1f bits (worst slot %5.1f)",
          "conjugate", pc.meanBits(), pc.minBits()));

      // ------------------------------------------------------------- sum of a vector
      // An inner product <x, w> over all 4096 slots: multiply by the plaintext w, rescale, then
      // rotate-and-sum with rotations 1, 2, 4, ..., 2048. Those keys were not generated above:
      // add the ones that are missing to the key set.
      double[] w = new double[slots];
      double dot = 0;
      for (int j = 0; j < slots; j++) {
        w[j] = 0.5 + ((j * 37) % 11 - 5) / 50.0;
        dot += x[j] * w[j];
      }
      int[] sumRotations = Evaluator.rotateAndSumRotations(slots);
      List<SwitchingKey> more = new ArrayList<>();
      for (long g : Evaluator.galoisElements(params, sumRotations)) {
        if (!evk.hasGaloisKey(g)) {
          more.add(keygen.galoisKey(sk, g));
        }
      }
      EvaluationKeys sumKeys = evk.with(more);
      System.out.println("rotateAndSum over " + slots + " slots uses " + sumRotations.length
          + " rotations (1, 2, 4, ..., " + sumRotations[sumRotations.length - 1] + "); "
          + more.size() + " more keys generated");
      Evaluator summer = new Evaluator(ctx, sumKeys);
      Ciphertext product = summer.mulPlainNew(cx, encoder.encode(w));
      summer.rescale(product, product);
      Ciphertext total = summer.rotateAndSumNew(product, slots);
      double[] sums = encoder.decode(decryptor.decrypt(total));
      System.out.println(String.format(Locale.ROOT,
          "inner product <x, w> = %.6f, decrypted %.6f (every slot holds it: slot 77 %.6f)",
          dot, sums[0], sums[77]));
      double[] expectedDot = new double[slots];
      java.util.Arrays.fill(expectedDot, dot);
      report("inner product", expectedDot, sums);

      // ------------------------------------------------------------- a key that is missing
      try {
        evaluator.rotateNew(cx, 5);
        System.out.println("rotated by 5 without its key (this must not happen)");
      } catch (MissingKeyException e) {
        System.out.println("rotate by 5: MissingKeyException: " + e.getMessage());
      }
    }
  }

  /** Slot j of the result is x[j + k], cyclically. */
  private static double[] rotated(double[] x, int k) {
    double[] r = new double[x.length];
    for (int j = 0; j < x.length; j++) {
      r[j] = x[Math.floorMod(j + k, x.length)];
    }
    return r;
  }

  private static void report(String what, double[] expected, double[] actual) {
    PrecisionStats p = PrecisionStats.of(expected, actual);
    System.out.println(String.format(Locale.ROOT, "  %-24s %5.1f bits (worst slot %5.1f)",
        what, p.meanBits(), p.minBits()));
  }

  private static double mib(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }
}
