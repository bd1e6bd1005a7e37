package dev.veil.ml.nn.compile;

import java.security.SecureRandom;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.Plaintext;
import dev.veil.he.rlwe.SecretKey;

/**
 * Seconds per engine operation at the top level of one parameter set, measured once ({@link
 * #calibrate}) with a throw-away key, and the per-layer predictions they give: each count of a
 * {@link LayerReport} times its operation's cost, scaled by the layer's level ({@code (level +
 * 1) / (top + 1)}: the operations are linear in the number of primes).
 *
 * @param plainMultiply a plaintext product plus an addition
 * @param rotation one key-switched rotation
 * @param hoistedRotation one more rotation of a hoisted call (its share without the
 *     decomposition)
 * @param decomposition the decomposition a hoisted call shares
 * @param tensor a ciphertext product without relinearisation
 * @param relinearization one relinearisation
 * @param rescale one rescale of a degree-1 ciphertext
 * @param macTerm one multiply-accumulate term on a degree-1 ciphertext
 * @param topLevel the level of the measurements
 */
public record CostModel(double plainMultiply, double rotation, double hoistedRotation,
    double decomposition, double tensor, double relinearization, double rescale, double macTerm,
    int topLevel) {

  /** Measures the costs under {@code ctx} ({@code reps} repetitions each, the median kept). */
  public static CostModel calibrate(HeContext ctx, int reps) {
    Parameters p = ctx.parameters();
    KeyGenerator kg = new KeyGenerator(ctx, new SecureRandom());
    SecretKey sk = kg.secretKey();
    EvaluationKeys keys = new EvaluationKeys(p, kg.relinearizationKey(sk),
        kg.galoisKeys(sk, Evaluator.galoisElements(p, 1, 2, 3, 4, 5, 6, 7, 8, 9)));
    Evaluator ev = new Evaluator(ctx, keys);
    Encoder enc = new Encoder(ctx);
    Encryptor e = Encryptor.withSecretKey(ctx, sk);
    int top = p.maxLevel();
    double[] v = new double[p.slots()];
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.sin(i) * 0.5;
    }
    Ciphertext ct = e.encrypt(enc.encode(v, top, p.defaultScale()));
    Plaintext pt = enc.encode(v, top, p.q(top));
    Ciphertext tmp = Ciphertext.empty(p);
    Ciphertext acc = ev.mulPlainNew(ct, pt);
    double plain = time(reps, () -> {
      ev.mulPlain(ct, pt, tmp);
      ev.add(acc, tmp, acc);
    });
    double rot = time(reps, () -> ev.rotate(ct, 1, tmp));
    double h1 = time(reps, () -> ev.rotateHoisted(ct, 1));
    double h9 = time(reps, () -> ev.rotateHoisted(ct, 1, 2, 3, 4, 5, 6, 7, 8, 9));
    double per = Math.max(0, (h9 - h1) / 8);
    double dec = Math.max(0, h1 - per);
    double tensor = time(reps, () -> ev.mul(ct, ct, tmp));
    Ciphertext sq = ev.mulNew(ct, ct);
    Ciphertext out = Ciphertext.empty(p);
    double relin = time(reps, () -> ev.relinearize(sq, out));
    double rescale = time(reps, () -> ev.rescale(ct, out));
    int terms = 32;
    Ciphertext[] xs = new Ciphertext[terms];
    int[] idx = new int[terms];
    double[] w = new double[terms];
    for (int t = 0; t < terms; t++) {
      xs[t] = ct;
      idx[t] = t;
      w[t] = 0.01 * (t + 1);
    }
    long[][][] k = Mac.constants(ctx.ring(), w, p.q(top), top);
    Ciphertext[] outs = {out};
    double mac = time(reps, () -> Mac.accumulateLayer(p, ctx.ring(), xs, new int[][] {idx},
        new long[][][] {k[0]}, new long[][][] {k[1]}, null, top, 1, ct.scale() * p.q(top), outs))
        / terms;
    return new CostModel(plain, rot, per, dec, tensor, relin, rescale, mac, top);
  }

  private static double time(int reps, Runnable r) {
    r.run(); // warm
    double[] t = new double[Math.max(1, reps)];
    for (int i = 0; i < t.length; i++) {
      long t0 = System.nanoTime();
      r.run();
      t[i] = (System.nanoTime() - t0) / 1e9;
    }
    java.util.Arrays.sort(t);
    return t[t.length / 2];
  }

  /** Predicted seconds of one step whose input is at {@code level}. */
  double predict(Step st, int level, Parameters p) {
    double f = (level + 1.0) / (topLevel + 1.0);
    double s;
    if (st instanceof Step.MultiplyAccumulate mac) {
      s = mac.ptMults * macTerm + mac.keySwitches * relinearization + mac.rescales * rescale
          * (mac.inDegree == 2 ? 1.5 : 1);
    } else if (st instanceof Step.Square || st instanceof Step.Activation) {
      s = st.ctMults * tensor + st.keySwitches * relinearization + st.rescales * rescale * 1.5;
    } else {
      long single = st.keySwitches - (st.hoisted > 0 ? hoistedShare(st) : 0);
      s = st.ptMults * plainMultiply + single * rotation
          + (st.hoisted > 0 ? decomposition + hoistedShare(st) * hoistedRotation : 0)
          + st.rescales * rescale;
    }
    return s * f;
  }

  /** Rotations of a diagonal step done by its hoisted call (the baby steps). */
  private static long hoistedShare(Step st) {
    if (st instanceof Step.Diagonal d) {
      return d.babyRotations;
    }
    if (st instanceof Step.Add a && a.relayout[1] != null) {
      return a.relayout[1].babyRotations;
    }
    return 0;
  }
}
