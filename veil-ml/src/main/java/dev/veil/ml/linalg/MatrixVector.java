package dev.veil.ml.linalg;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Decryptor;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.Plaintext;

/**
 * A plaintext matrix M (m x k) times an encrypted vector v (length k), by the diagonal method
 * (Halevi-Shoup) with baby-step giant-step and hoisted rotations.
 *
 * <h2>Packing</h2>
 *
 * With S slots, the vector is cut into {@code C = ceil(k / S)} chunks of S entries, one
 * ciphertext each; the result, of length m, comes back in {@code R = ceil(m / S)} ciphertexts,
 * entry {@code y[r S + j]} in slot j of ciphertext r, zeros in the slots past m. The matrix is cut
 * into R x C blocks of at most S x S; the partial products of a row of blocks are summed. When
 * the vector fits one ciphertext it may be packed two ways ({@link Packing}):
 *
 * <ul>
 *   <li>{@link Packing#FIRST_SLOTS}: v in slots 0..k-1, zeros elsewhere. A rotation by i shifts
 *       the zeros in, so the diagonals needed are those of offsets {@code -(m-1) .. k-1}: m + k - 1
 *       of them (S when that exceeds S).
 *   <li>{@link Packing#REPLICATED}: v padded to P = the next power of two of k and repeated over
 *       all slots. Rotations are cyclic with period P, so P diagonals suffice whatever m is (up to
 *       S): the better packing when m is large.
 * </ul>
 *
 * <h2>Diagonal method and baby-step giant-step</h2>
 *
 * With the diagonals {@code d_i[j] = M[j][(j + i) mod L]} (L the period: S, or P), {@code y = sum_i
 * d_i * rot_i(v)}. The naive method rotates v once per diagonal: T - 1 key switches for T
 * diagonals. Baby-step giant-step writes {@code i = g B + b} ({@code 0 <= b < B}, g possibly
 * negative: the offsets run from {@code lo = -(m-1)} or 0 up) and
 *
 * <pre>  y = sum_g rot_{gB}( sum_b rot_{-gB}(d_{gB+b}) * rot_b(v) )</pre>
 *
 * so the B - 1 baby rotations {@code rot_b(v)} come from ONE {@link Evaluator#rotateHoisted}
 * call (one shared decomposition per vector chunk), the diagonals are pre-rotated by {@code -gB}
 * once when the matrix is prepared, and only the G - 1 partial sums are rotated by {@code gB}:
 * about {@code 2 sqrt(T)} key switches instead of T - 1. B is chosen to minimise {@code C (B - 1)
 * + R (G - 1)}; all-zero diagonals (sparse or banded matrices) are skipped and their rotations not
 * requested.
 *
 * <h2>Level and scale</h2>
 *
 * One level: the diagonals are encoded at the vector's level and at the scale of the prime that
 * the rescale then removes, so y has exactly the scale of v, one level lower. The partial sums are
 * rescaled before their giant-step rotation (key switching is cheaper one level down).
 *
 * <h2>Keys and counts</h2>
 *
 * {@link #rotationsNeeded()} lists the rotations of this matrix and method, {@link
 * #keySwitches()} the number of key switches of one product, {@link #decompositions()} the number
 * of key-switching decompositions (hoisting shares one among many key switches). Keys are checked
 * before any work. Immutable apart from the {@link #keySwitchesPerformed()} counter; thread-safe.
 */
public final class MatrixVector {
  /** How the input vector is laid out in its ciphertext(s); see the class documentation. */
  public enum Packing {
    FIRST_SLOTS,
    REPLICATED
  }

  /** How the rotations are done. */
  public enum Method {
    /** One separate rotation per non-zero diagonal (reference). */
    NAIVE,
    /** One hoisted call giving the rotations of every diagonal (one decomposition per chunk). */
    HOISTED,
    /** Baby-step giant-step: hoisted baby steps, rotated partial sums (the default). */
    BSGS
  }

  private final Encoder encoder;
  private final Parameters params;
  private final int slots;
  private final int m;
  private final int k;
  private final Packing packing;
  private final Method method;
  private final int rowBlocks;
  private final int colChunks;
  private final int period;
  private final int lo;
  private final int diagonalCount;
  private final int baby;
  private final int giant;
  /** Rotation of baby step 0 (0 for BSGS, lo otherwise). */
  private final int babyBase;
  /** First giant-step index (may be negative). */
  private final int gLo;
  /** [r][c][t]: slot vector of diagonal lo + t (pre-rotated for BSGS), null when zero. */
  private final double[][][][] diagonals;
  /** Rotations of each vector chunk (before the products); sorted, no 0. */
  private final int[][] chunkRotations;
  /** Giant-step rotations of each row block; empty unless BSGS. */
  private final int[][] giantRotations;
  private final int[] rotations;
  private final int keySwitches;
  private final int decompositions;
  private final AtomicLong performed = new AtomicLong();

  /** The plain diagonals of a matrix and the shape facts the plan needs. */
  private record Diagonals(int m, int k, int rowBlocks, int colChunks, int period, int lo,
      int diagonalCount, double[][][][] d) {}

  private static Diagonals diagonalsOf(int slots, double[][] matrix, Packing packing) {
    Objects.requireNonNull(packing, "packing");
    Objects.requireNonNull(matrix, "matrix");
    if (matrix.length == 0 || matrix[0] == null || matrix[0].length == 0) {
      throw new IllegalArgumentException("matrix must have at least one row and one column");
    }
    int m = matrix.length;
    int k = matrix[0].length;
    for (int i = 0; i < m; i++) {
      if (matrix[i] == null || matrix[i].length != k) {
        throw new IllegalArgumentException("matrix row " + i + " has "
            + (matrix[i] == null ? "no" : String.valueOf(matrix[i].length))
            + " entries, row 0 has " + k);
      }
      for (int j = 0; j < k; j++) {
        if (!Double.isFinite(matrix[i][j])) {
          throw new IllegalArgumentException("matrix[" + i + "][" + j + "] is not finite");
        }
      }
    }
    int rowBlocks = (m + slots - 1) / slots;
    int colChunks = (k + slots - 1) / slots;
    int period = packing == Packing.REPLICATED && colChunks == 1
        ? Layout.nextPowerOfTwo(k) : slots;
    int mMax = Math.min(m, slots);
    int kMax = Math.min(k, period);
    int diagonalCount = Math.min(period, mMax + kMax - 1);
    int lo = diagonalCount == period ? 0 : -(mMax - 1);
    double[][][][] d = new double[rowBlocks][colChunks][diagonalCount][];
    for (int r = 0; r < rowBlocks; r++) {
      int mr = Math.min(slots, m - r * slots);
      for (int c = 0; c < colChunks; c++) {
        int kc = Math.min(slots, k - c * slots);
        for (int t = 0; t < diagonalCount; t++) {
          int i = lo + t;
          double[] diag = null;
          for (int j = 0; j < mr; j++) {
            int col = Math.floorMod(j + i, period);
            if (col < kc) {
              double x = matrix[r * slots + j][c * slots + col];
              if (x != 0) {
                if (diag == null) {
                  diag = new double[slots];
                }
                diag[j] = x;
              }
            }
          }
          d[r][c][t] = diag;
        }
      }
    }
    return new Diagonals(m, k, rowBlocks, colChunks, period, lo, diagonalCount, d);
  }

  private MatrixVector(Encoder encoder, Diagonals dg, Packing packing, Method method) {
    this.encoder = Objects.requireNonNull(encoder, "encoder");
    this.packing = Objects.requireNonNull(packing, "packing");
    this.method = Objects.requireNonNull(method, "method");
    this.params = encoder.parameters();
    this.slots = encoder.slots();
    this.m = dg.m();
    this.k = dg.k();
    this.rowBlocks = dg.rowBlocks();
    this.colChunks = dg.colChunks();
    this.period = dg.period();
    this.diagonalCount = dg.diagonalCount();
    this.lo = dg.lo();
    double[][][][] d = dg.d();
    boolean[][] nzChunk = new boolean[colChunks][diagonalCount];
    boolean[][] nzRow = new boolean[rowBlocks][diagonalCount];
    for (int r = 0; r < rowBlocks; r++) {
      for (int c = 0; c < colChunks; c++) {
        for (int t = 0; t < diagonalCount; t++) {
          if (d[r][c][t] != null) {
            nzChunk[c][t] = true;
            nzRow[r][t] = true;
          }
        }
      }
    }

    // plan: diagonal i = babyBase + g B + b, b in [0, B), g in [gLo, gLo + G)
    if (method == Method.BSGS) {
      this.baby = chooseBabySteps(nzChunk, nzRow);
      this.babyBase = 0;
      this.gLo = Math.floorDiv(lo, baby);
      this.giant = Math.floorDiv(lo + diagonalCount - 1, baby) - gLo + 1;
    } else {
      this.baby = diagonalCount;
      this.babyBase = lo;
      this.gLo = 0;
      this.giant = 1;
    }
    this.chunkRotations = new int[colChunks][];
    for (int c = 0; c < colChunks; c++) {
      List<Integer> rot = new ArrayList<>();
      for (int b = 0; b < baby; b++) {
        if (babyBase + b != 0 && usedBaby(nzChunk[c], b, baby, babyBase, gLo, giant)) {
          rot.add(babyBase + b);
        }
      }
      chunkRotations[c] = rot.stream().mapToInt(Integer::intValue).toArray();
    }
    this.giantRotations = new int[rowBlocks][];
    for (int r = 0; r < rowBlocks; r++) {
      List<Integer> rot = new ArrayList<>();
      for (int g = gLo; g < gLo + giant; g++) {
        if (g != 0 && usedGiant(nzRow[r], g, baby, babyBase)) {
          rot.add(g * baby);
        }
      }
      giantRotations[r] = rot.stream().mapToInt(Integer::intValue).toArray();
    }
    int ks = 0;
    int dec = 0;
    for (int[] rot : chunkRotations) {
      ks += rot.length;
      if (rot.length > 0) {
        dec += method == Method.NAIVE ? rot.length : 1;
      }
    }
    for (int[] rot : giantRotations) {
      ks += rot.length;
      dec += rot.length;
    }
    this.keySwitches = ks;
    this.decompositions = dec;
    int[][] all = new int[colChunks + rowBlocks][];
    System.arraycopy(chunkRotations, 0, all, 0, colChunks);
    System.arraycopy(giantRotations, 0, all, colChunks, rowBlocks);
    this.rotations = Keys.union(all);

    // pre-rotate the diagonals of giant step g by -gB: p[x] = d[(x - gB) mod S]
    for (double[][][] row : d) {
      for (double[][] chunk : row) {
        for (int t = 0; t < diagonalCount; t++) {
          int shift = Math.floorDiv(lo + t - babyBase, baby) * baby;
          if (chunk[t] != null && shift != 0) {
            double[] src = chunk[t];
            double[] dst = new double[slots];
            for (int x = 0; x < slots; x++) {
              dst[x] = src[Math.floorMod(x - shift, slots)];
            }
            chunk[t] = dst;
          }
        }
      }
    }
    this.diagonals = d;
  }

  /** Index t of diagonal {@code babyBase + g B + b} among the considered ones, or -1. */
  private static int diagonalIndex(int g, int b, int baby, int babyBase, int lo, int count) {
    int t = babyBase + g * baby + b - lo;
    return t >= 0 && t < count ? t : -1;
  }

  private int diagonalIndex(int g, int b) {
    return diagonalIndex(g, b, baby, babyBase, lo, diagonalCount);
  }

  private boolean usedBaby(boolean[] nz, int b, int baby, int babyBase, int gLo, int giant) {
    for (int g = gLo; g < gLo + giant; g++) {
      int t = diagonalIndex(g, b, baby, babyBase, lo, nz.length);
      if (t >= 0 && nz[t]) {
        return true;
      }
    }
    return false;
  }

  private boolean usedGiant(boolean[] nz, int g, int baby, int babyBase) {
    for (int b = 0; b < baby; b++) {
      int t = diagonalIndex(g, b, baby, babyBase, lo, nz.length);
      if (t >= 0 && nz[t]) {
        return true;
      }
    }
    return false;
  }

  /** Brute force over B: fewest key switches, then fewest keys. */
  private int chooseBabySteps(boolean[][] nzChunk, boolean[][] nzRow) {
    int bestB = 1;
    long bestCost = Long.MAX_VALUE;
    int bestKeys = Integer.MAX_VALUE;
    for (int b = 1; b <= diagonalCount; b++) {
      int g0 = Math.floorDiv(lo, b);
      int g = Math.floorDiv(lo + diagonalCount - 1, b) - g0 + 1;
      long cost = 0;
      boolean[] babyKey = new boolean[b];
      boolean[] giantKey = new boolean[g];
      for (boolean[] nz : nzChunk) {
        for (int x = 1; x < b; x++) {
          if (usedBaby(nz, x, b, 0, g0, g)) {
            cost++;
            babyKey[x] = true;
          }
        }
      }
      for (boolean[] nz : nzRow) {
        for (int y = g0; y < g0 + g; y++) {
          if (y != 0 && usedGiant(nz, y, b, 0)) {
            cost++;
            giantKey[y - g0] = true;
          }
        }
      }
      int keys = count(babyKey) + count(giantKey);
      if (cost < bestCost || (cost == bestCost && keys < bestKeys)) {
        bestCost = cost;
        bestKeys = keys;
        bestB = b;
      }
    }
    return bestB;
  }

  private static int count(boolean[] a) {
    int n = 0;
    for (boolean x : a) {
      n += x ? 1 : 0;
    }
    return n;
  }

  // ------------------------------------------------------------------ factories

  /** Prepares {@code matrix} (m x k) for products by the baby-step giant-step method. */
  public static MatrixVector of(Encoder encoder, double[][] matrix, Packing packing) {
    return of(encoder, matrix, packing, Method.BSGS);
  }

  /** Prepares {@code matrix} (m x k) for products by the given method. */
  public static MatrixVector of(
      Encoder encoder, double[][] matrix, Packing packing, Method method) {
    Objects.requireNonNull(encoder, "encoder");
    return new MatrixVector(encoder, diagonalsOf(encoder.slots(), matrix, packing), packing,
        method);
  }

  /**
   * A slot-level linear map given by its cyclic diagonals, for maps whose dense S x S matrix
   * would not fit in memory (a compiled network's layer from one slot layout to another): the
   * product is {@code y = sum_i diagonals.get(i) * rot_i(v)} over the S slots of one ciphertext,
   * i.e. the S x S matrix {@code M[j][(j + i) mod S] = diagonals.get(i)[j]}. Packing {@link
   * Packing#FIRST_SLOTS} with m = k = S; the vector is the whole slot vector. Offsets are taken
   * modulo S; an all-zero or missing diagonal is skipped like a zero diagonal of a matrix.
   *
   * @param diagonals offset to a slot vector of S entries (copied)
   */
  public static MatrixVector ofDiagonals(Encoder encoder,
      java.util.Map<Integer, double[]> diagonals, Method method) {
    Objects.requireNonNull(encoder, "encoder");
    Objects.requireNonNull(diagonals, "diagonals");
    int s = encoder.slots();
    double[][][][] d = new double[1][1][s][];
    for (java.util.Map.Entry<Integer, double[]> e : diagonals.entrySet()) {
      double[] v = Objects.requireNonNull(e.getValue(), "diagonal");
      if (v.length != s) {
        throw new IllegalArgumentException("diagonal " + e.getKey() + " has " + v.length
            + " entries, the ciphertext " + s + " slots");
      }
      boolean nonZero = false;
      for (double x : v) {
        if (!Double.isFinite(x)) {
          throw new IllegalArgumentException("diagonal " + e.getKey() + " holds " + x);
        }
        nonZero |= x != 0;
      }
      if (!nonZero) {
        continue;
      }
      int t = Math.floorMod(e.getKey(), s);
      if (d[0][0][t] == null) {
        d[0][0][t] = v.clone();
      } else {
        for (int j = 0; j < s; j++) {
          d[0][0][t][j] += v[j];
        }
      }
    }
    // Offsets are cyclic; number them from just after the largest gap between used ones (so
    // that -7 stays -7 rather than S - 7): the baby-step giant-step plan then sees one compact
    // range instead of two ends of [0, S).
    int lo = 0;
    int prev = -1;
    int first = -1;
    int bestGap = -1;
    for (int t = 0; t < s; t++) {
      if (d[0][0][t] == null) {
        continue;
      }
      if (first < 0) {
        first = t;
      } else if (t - prev > bestGap) {
        bestGap = t - prev;
        lo = t;
      }
      prev = t;
    }
    if (first >= 0 && first + s - prev >= bestGap) {
      lo = first;
    }
    if (lo > s / 2) {
      lo -= s;
    }
    double[][][][] shifted = new double[1][1][s][];
    for (int t = 0; t < s; t++) {
      shifted[0][0][Math.floorMod(t - lo, s)] = d[0][0][t];
    }
    return new MatrixVector(encoder, new Diagonals(s, s, 1, 1, s, lo, s, shifted),
        Packing.FIRST_SLOTS, method);
  }

  // ------------------------------------------------------------------ plan

  public int rows() {
    return m;
  }

  public int columns() {
    return k;
  }

  public Packing packing() {
    return packing;
  }

  public Method method() {
    return method;
  }

  /** Ciphertexts of the input vector: ceil(k / slots). */
  public int inputCiphertexts() {
    return colChunks;
  }

  /** Ciphertexts of the result: ceil(m / slots). */
  public int outputCiphertexts() {
    return rowBlocks;
  }

  /** Diagonal offsets considered per block (non-zero or not). */
  public int diagonalCount() {
    return diagonalCount;
  }

  /** Baby steps B (equal to the diagonal count for NAIVE and HOISTED). */
  public int babySteps() {
    return baby;
  }

  /** Giant steps G = ceil(diagonals / B) (1 for NAIVE and HOISTED). */
  public int giantSteps() {
    return giant;
  }

  /** The rotations whose Galois keys a product needs: sorted, distinct, no 0. */
  public int[] rotationsNeeded() {
    return rotations.clone();
  }

  /** Key switches (automorphisms with a Galois key) of one product. */
  public int keySwitches() {
    return keySwitches;
  }

  /**
   * Key-switching decompositions (ModUp) of one product: one per separate rotation, one per
   * hoisted call.
   */
  public int decompositions() {
    return decompositions;
  }

  /** Key switches actually performed by this object's products so far (all threads). */
  public long keySwitchesPerformed() {
    return performed.get();
  }

  // ------------------------------------------------------------------ vectors

  /** The slot vectors of {@code v} (length k) in this object's packing. */
  public double[][] packVector(double[] v) {
    if (v.length != k) {
      throw new IllegalArgumentException("vector has " + v.length + " entries, the matrix " + k
          + " columns");
    }
    double[][] out = new double[colChunks][slots];
    for (int c = 0; c < colChunks; c++) {
      int kc = Math.min(slots, k - c * slots);
      for (int j = 0; j < slots; j++) {
        int src = Math.floorMod(j, period);
        if (src < kc) {
          double x = v[c * slots + src];
          if (!Double.isFinite(x)) {
            throw new IllegalArgumentException("vector[" + (c * slots + src) + "] is not finite");
          }
          out[c][j] = x;
        }
      }
    }
    return out;
  }

  /** Encrypts {@code v} in this packing at the top level and the default scale. */
  public Ciphertext[] encryptVector(double[] v, Encryptor encryptor) {
    double[][] s = packVector(v);
    Ciphertext[] out = new Ciphertext[s.length];
    for (int c = 0; c < s.length; c++) {
      out[c] = encryptor.encrypt(encoder.encode(s[c], params.maxLevel(), params.defaultScale()));
    }
    return out;
  }

  /** The result (length m) read from the decoded slot vectors of a product. */
  public double[] unpackResult(double[][] slotVectors) {
    if (slotVectors.length != rowBlocks) {
      throw new IllegalArgumentException("expected " + rowBlocks + " slot vectors, got "
          + slotVectors.length);
    }
    double[] y = new double[m];
    for (int r = 0; r < rowBlocks; r++) {
      System.arraycopy(slotVectors[r], 0, y, r * slots, Math.min(slots, m - r * slots));
    }
    return y;
  }

  /** Decrypts a product to its m values. */
  public double[] decryptResult(Ciphertext[] y, Decryptor decryptor) {
    double[][] s = new double[y.length][];
    for (int r = 0; r < y.length; r++) {
      s[r] = encoder.decode(decryptor.decrypt(y[r]));
    }
    return unpackResult(s);
  }

  /** {@code M x} in plain arithmetic (for tests and checks). */
  public static double[] multiplyPlain(double[][] matrix, double[] x) {
    double[] y = new double[matrix.length];
    for (int i = 0; i < y.length; i++) {
      double s = 0;
      for (int j = 0; j < x.length; j++) {
        s += matrix[i][j] * x[j];
      }
      y[i] = s;
    }
    return y;
  }

  // ------------------------------------------------------------------ product

  /** {@link #multiply(Evaluator, Ciphertext[])} for a vector of one ciphertext. */
  public Ciphertext[] multiply(Evaluator ev, Ciphertext v) {
    return multiply(ev, new Ciphertext[] {v});
  }

  /**
   * {@code M v}: one level consumed, the scale of v kept.
   *
   * @param v {@link #inputCiphertexts()} ciphertexts in this object's packing, equal scales
   *     (levels may differ: all are brought to the lowest)
   * @return {@link #outputCiphertexts()} ciphertexts
   * @throws dev.veil.he.rlwe.MissingKeyException before any work if a rotation key is missing
   * @throws dev.veil.he.ckks.LevelException before any work if v is at level 0
   */
  public Ciphertext[] multiply(Evaluator ev, Ciphertext[] v) {
    return multiply(ev, v, null);
  }

  /**
   * The diagonals of this matrix encoded once, at one level and one plaintext scale, for
   * repeated products ({@link #multiply(Evaluator, Ciphertext[], Encoded)}): a product then
   * encodes nothing. Holds one plaintext per non-zero diagonal and block (memory: that many times
   * {@code (level + 1) N} longs). Immutable.
   */
  public static final class Encoded {
    private final MatrixVector owner;
    private final int level;
    private final double scale;
    private final Plaintext[][][] plaintexts;

    private Encoded(MatrixVector owner, int level, double scale, Plaintext[][][] plaintexts) {
      this.owner = owner;
      this.level = level;
      this.scale = scale;
      this.plaintexts = plaintexts;
    }

    /** The level the vector must be at (higher levels are dropped to it). */
    public int level() {
      return level;
    }

    /** The plaintexts' scale. */
    public double scale() {
      return scale;
    }

    /** Number of plaintexts held. */
    public int count() {
      int n = 0;
      for (Plaintext[][] row : plaintexts) {
        for (Plaintext[] chunk : row) {
          for (Plaintext p : chunk) {
            n += p == null ? 0 : 1;
          }
        }
      }
      return n;
    }
  }

  /**
   * Encodes the diagonals at {@code level} (at least 1) and {@code plainScale}: a product of a
   * vector at scale s then has scale {@code s * plainScale / q_level} (the input's scale when
   * plainScale is {@code q_level}, as {@link #multiply(Evaluator, Ciphertext[])} uses).
   */
  public Encoded encode(int level, double plainScale) {
    if (level < 1 || level > params.maxLevel()) {
      throw new IllegalArgumentException("level must be in [1, " + params.maxLevel() + "], got "
          + level);
    }
    if (!(plainScale > 0) || !Double.isFinite(plainScale)) {
      throw new IllegalArgumentException("plaintext scale must be finite and > 0: " + plainScale);
    }
    Plaintext[][][] pts = new Plaintext[rowBlocks][colChunks][diagonalCount];
    for (int r = 0; r < rowBlocks; r++) {
      for (int c = 0; c < colChunks; c++) {
        for (int t = 0; t < diagonalCount; t++) {
          double[] diag = diagonals[r][c][t];
          if (diag != null) {
            pts[r][c][t] = encoder.encode(diag, level, plainScale);
          }
        }
      }
    }
    return new Encoded(this, level, plainScale, pts);
  }

  /**
   * {@code M v} with diagonals encoded beforehand: one level consumed, result scale {@code
   * v.scale * encoded.scale / q_level} (set exactly).
   *
   * @param encoded from this object's {@link #encode}; the vector is dropped to its level
   * @throws IllegalArgumentException if {@code encoded} was made by another matrix
   */
  public Ciphertext[] multiply(Evaluator ev, Ciphertext[] v, Encoded encoded) {
    if (encoded != null && encoded.owner != this) {
      throw new IllegalArgumentException("the encoded diagonals belong to another matrix");
    }
    params.requireSame(ev.context().parameters(), "matrix-vector product");
    if (v.length != colChunks) {
      throw new IllegalArgumentException("the vector must come in " + colChunks
          + " ciphertext(s), got " + v.length);
    }
    Keys.requireRotations(ev, rotations, "matrix-vector product");
    int level = Integer.MAX_VALUE;
    for (Ciphertext ct : v) {
      level = Math.min(level, ct.level());
    }
    if (level == 0) {
      throw new dev.veil.he.ckks.LevelException("matrix-vector product: needs one level (a"
          + " plaintext multiplication and a rescale); the vector is at level 0");
    }
    if (encoded != null) {
      if (level < encoded.level) {
        throw new dev.veil.he.ckks.LevelException("matrix-vector product: the diagonals are"
            + " encoded at level " + encoded.level + ", the vector is at level " + level);
      }
      level = encoded.level;
    }
    double ptScale = encoded == null ? params.q(level) : encoded.scale;
    double scale = v[0].scale() * ptScale / params.q(level);
    Ciphertext[] in = new Ciphertext[colChunks];
    for (int c = 0; c < colChunks; c++) {
      in[c] = v[c].level() == level ? v[c] : ev.dropToLevelNew(v[c], level);
    }

    // rotations of each chunk, indexed by t (BSGS: baby index b)
    Ciphertext[][] rotated = new Ciphertext[colChunks][];
    for (int c = 0; c < colChunks; c++) {
      int[] rot = chunkRotations[c];
      rotated[c] = new Ciphertext[baby];
      if (-babyBase < baby) { // babyBase <= 0: the rotation by 0 is the chunk itself
        rotated[c][-babyBase] = in[c];
      }
      Ciphertext[] got;
      if (method == Method.NAIVE) {
        got = new Ciphertext[rot.length];
        for (int x = 0; x < rot.length; x++) {
          got[x] = ev.rotateNew(in[c], rot[x]);
        }
      } else {
        got = rot.length == 0 ? new Ciphertext[0] : ev.rotateHoisted(in[c], rot);
      }
      performed.addAndGet(rot.length);
      for (int x = 0; x < rot.length; x++) {
        rotated[c][rot[x] - babyBase] = got[x];
      }
    }

    Ciphertext[] out = new Ciphertext[rowBlocks];
    Ciphertext tmp = Ciphertext.empty(params);
    for (int r = 0; r < rowBlocks; r++) {
      Ciphertext result = null;
      for (int g = gLo; g < gLo + giant; g++) {
        Ciphertext inner = null;
        for (int c = 0; c < colChunks; c++) {
          for (int b = 0; b < baby; b++) {
            int t = diagonalIndex(g, b);
            double[] diag = t < 0 ? null : diagonals[r][c][t];
            if (diag == null) {
              continue;
            }
            Plaintext pt = encoded != null ? encoded.plaintexts[r][c][t]
                : encoder.encode(diag, level, ptScale);
            if (inner == null) {
              inner = ev.mulPlainNew(rotated[c][b], pt);
            } else {
              ev.mulPlain(rotated[c][b], pt, tmp);
              ev.add(inner, tmp, inner);
            }
          }
        }
        if (inner == null) {
          continue;
        }
        ev.rescale(inner, inner);
        inner.setScale(scale);
        if (g != 0) {
          ev.rotate(inner, g * baby, inner);
          performed.incrementAndGet();
        }
        if (result == null) {
          result = inner;
        } else {
          ev.add(result, inner, result);
        }
      }
      if (result == null) { // an all-zero block row: an encryption of zero at the right level
        result = ev.mulPlainNew(in[0], encoder.encode(new double[0], level, ptScale));
        ev.rescale(result, result);
        result.setScale(scale);
      }
      out[r] = result;
    }
    return out;
  }

  @Override
  public String toString() {
    return "MatrixVector[" + m + " x " + k + ", " + packing + ", " + method + ", blocks " + rowBlocks
        + " x " + colChunks + ", period " + period + ", diagonals " + diagonalCount + " from "
        + lo + ", B " + baby + ", G " + giant + " from " + gLo + ", key switches " + keySwitches + ", rotations "
        + rotations.length + "]";
  }
}
