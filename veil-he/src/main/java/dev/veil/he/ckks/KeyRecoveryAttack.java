package dev.veil.he.ckks;

import java.util.HashMap;
import java.util.Map;

import dev.veil.he.ring.Modulus;
import dev.veil.he.ring.NttTable;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.Plaintext;

/**
 * The passive key-recovery attack of Li and Micciancio (EUROCRYPT 2021) on published CKKS
 * decryptions: what an observer who knows a ciphertext and the values it decrypted to computes.
 * It exists to show and to test that a decryption which leaves the key holder must be flooded
 * ({@code FloodingDecryptor}): on an exact decryption it returns the secret key, on a flooded one
 * noise. It uses no secret: only public ciphertexts and published values.
 *
 * <p>An exact decryption is {@code c0 + c1 s = D m + e} (mod q); re-encoding the published values
 * at the ciphertext's scale gives that polynomial back exactly, and then {@code s = (p - c0) /
 * c1} coefficient-wise in the NTT domain modulo the first prime ({@link #fromSlots}). When only
 * the real parts of the slots are published, re-encoding them at twice the scale gives {@code a +
 * conj(a)} with {@code a = c0 + c1 s} and conj the automorphism {@code X -> X^-1}: one equation in
 * {@code s(z)} and {@code s(1/z)} per pair of NTT points, so two decryptions of two ciphertexts
 * give a 2 x 2 system per pair ({@link #fromRealParts}). Both need the re-encoding to be exact:
 * scales up to about 2^45, where the coefficients still fit a double (above it, rounding defeats
 * this naive attack: an accident of floating point, not a protection to rely on).
 */
public final class KeyRecoveryAttack {
  private KeyRecoveryAttack() {}

  /**
   * The secret key's coefficients (centred) recovered from the complex slots {@code (re, im)}
   * published as the decryption of {@code ct}.
   */
  public static long[] fromSlots(HeContext ctx, Encoder encoder, Ciphertext ct, double[] re,
      double[] im) {
    Plaintext p = encoder.encode(re, im, 0, ct.scale());
    Modulus q = ctx.ring().modulus(0);
    long[] c0 = ct.poly(0)[0];
    long[] c1 = ct.poly(1)[0];
    long[] s = new long[c0.length];
    for (int j = 0; j < s.length; j++) {
      s[j] = q.mul(q.sub(p.poly()[0][j], c0[j]), q.inv(c1[j]));
    }
    return centred(ctx, s);
  }

  /**
   * The secret key's coefficients (centred) recovered from the real parts of the slots published
   * as the decryptions of two ciphertexts {@code a} and {@code b} of one scale.
   */
  public static long[] fromRealParts(HeContext ctx, Encoder encoder, Ciphertext a, double[] reA,
      Ciphertext b, double[] reB) {
    Modulus q = ctx.ring().modulus(0);
    int n = ctx.parameters().n();
    int[] mirror = mirror(ctx);
    double[] zero = new double[reA.length];
    long[] pa = encoder.encode(reA, zero, 0, 2 * a.scale()).poly()[0];
    long[] pb = encoder.encode(reB, zero, 0, 2 * b.scale()).poly()[0];
    long[] s = new long[n];
    for (int j = 0; j < n; j++) {
      int k = mirror[j];
      // p(j) - c0(j) - c0(k) = c1(j) s(j) + c1(k) s(k), for each ciphertext
      long ra = q.sub(q.sub(pa[j], a.poly(0)[0][j]), a.poly(0)[0][k]);
      long rb = q.sub(q.sub(pb[j], b.poly(0)[0][j]), b.poly(0)[0][k]);
      long a11 = a.poly(1)[0][j];
      long a12 = a.poly(1)[0][k];
      long b11 = b.poly(1)[0][j];
      long b12 = b.poly(1)[0][k];
      long det = q.sub(q.mul(a11, b12), q.mul(a12, b11));
      if (det == 0) {
        continue; // probability about 1/q: the coefficient stays unknown
      }
      s[j] = q.mul(q.sub(q.mul(ra, b12), q.mul(a12, rb)), q.inv(det));
    }
    return centred(ctx, s);
  }

  /** How many of the recovered coefficients equal the key's (to score the attack in tests). */
  public static int agreement(long[] recovered, byte[] secretCoefficients) {
    int agree = 0;
    for (int j = 0; j < recovered.length; j++) {
      agree += recovered[j] == secretCoefficients[j] ? 1 : 0;
    }
    return agree;
  }

  /** For each NTT index j, the index of the inverse evaluation point. */
  private static int[] mirror(HeContext ctx) {
    Modulus q = ctx.ring().modulus(0);
    NttTable ntt = ctx.ring().ntt(0);
    int n = ctx.parameters().n();
    long[] x = new long[n];
    x[1] = 1;
    ntt.forward(x); // x[j] = the j-th evaluation point
    Map<Long, Integer> index = new HashMap<>();
    for (int j = 0; j < n; j++) {
      index.put(x[j], j);
    }
    int[] mirror = new int[n];
    for (int j = 0; j < n; j++) {
      mirror[j] = index.get(q.inv(x[j]));
    }
    return mirror;
  }

  private static long[] centred(HeContext ctx, long[] nttForm) {
    Modulus q = ctx.ring().modulus(0);
    ctx.ring().ntt(0).inverse(nttForm);
    for (int j = 0; j < nttForm.length; j++) {
      nttForm[j] = nttForm[j] > q.q / 2 ? nttForm[j] - q.q : nttForm[j];
    }
    return nttForm;
  }
}
