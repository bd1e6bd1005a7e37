package dev.veil.he.ckks;

import java.util.SplittableRandom;

/**
 * A plain vector of complex slot values: the reference that every homomorphic result is compared
 * with. Immutable; every operation returns a new vector.
 */
record Slots(double[] re, double[] im) {

  Slots {
    if (re.length != im.length) {
      throw new IllegalArgumentException("real and imaginary parts differ in length");
    }
  }

  /** Each real part (and imaginary part when {@code complex}) uniform in [-1, 1). */
  static Slots random(SplittableRandom rnd, int n, boolean complex) {
    return random(rnd, n, -1, 1, complex);
  }

  /** Each real part (and imaginary part when {@code complex}) uniform in [lo, hi). */
  static Slots random(SplittableRandom rnd, int n, double lo, double hi, boolean complex) {
    double[] re = new double[n];
    double[] im = new double[n];
    for (int i = 0; i < n; i++) {
      re[i] = rnd.nextDouble(lo, hi);
      im[i] = complex ? rnd.nextDouble(lo, hi) : 0;
    }
    return new Slots(re, im);
  }

  static Slots constant(int n, double re, double im) {
    double[] r = new double[n];
    double[] i = new double[n];
    java.util.Arrays.fill(r, re);
    java.util.Arrays.fill(i, im);
    return new Slots(r, i);
  }

  int size() {
    return re.length;
  }

  Slots plus(Slots o) {
    double[] r = new double[size()];
    double[] i = new double[size()];
    for (int k = 0; k < size(); k++) {
      r[k] = re[k] + o.re[k];
      i[k] = im[k] + o.im[k];
    }
    return new Slots(r, i);
  }

  Slots minus(Slots o) {
    return plus(o.negate());
  }

  Slots negate() {
    return times(-1, 0);
  }

  /** Slot-wise complex product. */
  Slots times(Slots o) {
    double[] r = new double[size()];
    double[] i = new double[size()];
    for (int k = 0; k < size(); k++) {
      r[k] = re[k] * o.re[k] - im[k] * o.im[k];
      i[k] = re[k] * o.im[k] + im[k] * o.re[k];
    }
    return new Slots(r, i);
  }

  /** Every slot times the constant {@code cr + i ci}. */
  Slots times(double cr, double ci) {
    return times(constant(size(), cr, ci));
  }

  /** Every slot plus the constant {@code cr + i ci}. */
  Slots plus(double cr, double ci) {
    return plus(constant(size(), cr, ci));
  }

  /** Left rotation by k (negative: right): slot i takes slot i + k. */
  Slots rotate(int k) {
    int n = size();
    double[] r = new double[n];
    double[] i = new double[n];
    for (int s = 0; s < n; s++) {
      int from = Math.floorMod(s + k, n);
      r[s] = re[from];
      i[s] = im[from];
    }
    return new Slots(r, i);
  }

  Slots conjugate() {
    double[] i = new double[size()];
    for (int k = 0; k < size(); k++) {
      i[k] = -im[k];
    }
    return new Slots(re.clone(), i);
  }

  /** Slot j becomes the sum of slots j .. j + count - 1, cyclically. */
  Slots windowSum(int count) {
    Slots acc = this;
    for (int k = 1; k < count; k++) {
      acc = acc.plus(rotate(k));
    }
    return acc;
  }

  /** Largest modulus of a slot. */
  double maxAbs() {
    double m = 0;
    for (int k = 0; k < size(); k++) {
      m = Math.max(m, Math.hypot(re[k], im[k]));
    }
    return m;
  }

  /** Largest squared modulus of a slot: the bound used for E|m|^2 in the noise model. */
  double maxSquare() {
    double m = maxAbs();
    return m * m;
  }
}
