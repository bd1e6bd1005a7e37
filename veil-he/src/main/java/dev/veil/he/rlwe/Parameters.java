package dev.veil.he.rlwe;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

import dev.veil.he.ring.Primes;

/**
 * Validated, immutable RNS-CKKS parameters: ring degree, the data primes Q (one per level), the
 * special primes P used by key switching, the default scale, the secret and error distributions
 * and the key-switching decomposition.
 *
 * <p>Made only from a {@link Literal} by {@link #create(Literal)}, which checks every field and
 * the 128-bit HomomorphicEncryption.org bound on {@code log2(QP)}, and refuses an insecure set
 * unless the literal says {@code securityOff}. Primes are generated deterministically from the
 * literal, so the same literal always gives the same parameters and the same {@link #digest()}.
 *
 * <p>Sparse secrets: the standard's table holds for uniform ternary secrets only. Sparse (fixed
 * Hamming weight) secrets are weaker against hybrid and dual attacks, so a sparse set at the
 * ternary bound (e.g. weight 192 at log QP = 1747, N = 2^16) falls short of 128 bits. A
 * FIXED_HAMMING_WEIGHT set is therefore checked against its own, lower table ({@link
 * #maxSparseLogQP}): weight at least {@value #MIN_SECURE_HAMMING_WEIGHT}, and log QP at most the
 * largest published 128-bit parameter set for weight 192 at that ring degree, which bounds any
 * weight of 192 or more (a heavier secret is harder). Ring degrees without a published sparse set
 * are refused. Prefer uniform ternary secrets unless bootstrapping needs a sparse one.
 *
 * <p>Equality is by digest, which covers the generated primes and the resolved {@code dnum};
 * {@link #literal()} returns what was asked for (dnum 0 means automatic).
 */
public final class Parameters {

  /** The distribution of secret-key coefficients. */
  public enum SecretDistribution {
    /** Each coefficient uniform in {-1, 0, 1}. */
    UNIFORM_TERNARY,
    /** Exactly {@code hammingWeight} coefficients in {-1, 1}, the rest 0. */
    FIXED_HAMMING_WEIGHT
  }

  /** Smallest Hamming weight accepted as secure for sparse secrets. */
  public static final int MIN_SECURE_HAMMING_WEIGHT = 192;
  public static final double DEFAULT_SIGMA = 3.2;

  /**
   * Maximum log2(QP) for 128-bit classical security with a ternary secret
   * (HomomorphicEncryption.org standard), for logN = 10 .. 16.
   */
  private static final int[] MAX_LOG_QP_128 = {27, 54, 109, 218, 438, 881, 1747};

  /**
   * Maximum log2(QP) for 128-bit security with a secret of Hamming weight 192, for logN = 15 and
   * 16; none below. The smallest log QP of the published weight-192 sets, which were sized for
   * 128 bits with the lattice estimator: Bossuat, Mouchet, Troncoso-Pastoriza and Hubaux,
   * "Efficient Bootstrapping for Approximate Homomorphic Encryption with Non-Sparse Keys"
   * (Eurocrypt 2021, ePrint 2020/1203), its weight-192 sets (log QP 1546..1553 at N = 2^16, 768
   * at N = 2^15), shipped as Lattigo's N16QP1546H192H32 and N15QP768H192H32. Taking the smallest of
   * them keeps the bound conservative; it lies about 12 % below the ternary table.
   */
  private static final int[] MAX_SPARSE_LOG_QP_128 = {768, 1546};
  private static final int MIN_SPARSE_LOG_N = 15;

  /**
   * What a user writes: unchecked. Build with {@link #builder()}.
   *
   * @param logN log2 of the ring degree, 12..16 (3..16 with security off, for tests)
   * @param logQ bit sizes of the data primes, q0 first; the chain has logQ.length - 1 levels
   * @param logP bit sizes of the special primes
   * @param logDefaultScale log2 of the default encoding scale
   * @param secret secret distribution
   * @param hammingWeight number of nonzero secret coefficients for FIXED_HAMMING_WEIGHT
   * @param sigma error standard deviation
   * @param dnum key-switching decomposition number; 0 picks the smallest the special primes allow
   * @param securityOff accept a set below 128-bit security (tests only)
   */
  public record Literal(
      int logN,
      int[] logQ,
      int[] logP,
      double logDefaultScale,
      SecretDistribution secret,
      int hammingWeight,
      double sigma,
      int dnum,
      boolean securityOff) {

    public Literal {
      logQ = logQ == null ? null : logQ.clone();
      logP = logP == null ? null : logP.clone();
    }

    @Override
    public int[] logQ() {
      return logQ == null ? null : logQ.clone();
    }

    @Override
    public int[] logP() {
      return logP == null ? null : logP.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Literal l
          && logN == l.logN
          && Arrays.equals(logQ, l.logQ)
          && Arrays.equals(logP, l.logP)
          && Double.compare(logDefaultScale, l.logDefaultScale) == 0
          && secret == l.secret
          && hammingWeight == l.hammingWeight
          && Double.compare(sigma, l.sigma) == 0
          && dnum == l.dnum
          && securityOff == l.securityOff;
    }

    @Override
    public int hashCode() {
      return Objects.hash(logN, Arrays.hashCode(logQ), Arrays.hashCode(logP), logDefaultScale);
    }

    @Override
    public String toString() {
      return "Literal[logN="
          + logN
          + ", logQ="
          + Arrays.toString(logQ)
          + ", logP="
          + Arrays.toString(logP)
          + ", logDefaultScale="
          + logDefaultScale
          + ", secret="
          + secret
          + (secret == SecretDistribution.FIXED_HAMMING_WEIGHT ? "(" + hammingWeight + ")" : "")
          + ", sigma="
          + sigma
          + ", dnum="
          + dnum
          + (securityOff ? ", SECURITY OFF" : "")
          + "]";
    }

    public Builder toBuilder() {
      return new Builder(this);
    }
  }

  /** Builder of a {@link Literal} with the usual defaults (ternary secret, sigma 3.2, auto dnum). */
  public static final class Builder {
    private int logN;
    private int[] logQ;
    private int[] logP;
    private double logDefaultScale = Double.NaN;
    private SecretDistribution secret = SecretDistribution.UNIFORM_TERNARY;
    private int hammingWeight;
    private double sigma = DEFAULT_SIGMA;
    private int dnum;
    private boolean securityOff;

    private Builder() {}

    private Builder(Literal l) {
      logN = l.logN();
      logQ = l.logQ();
      logP = l.logP();
      logDefaultScale = l.logDefaultScale();
      secret = l.secret();
      hammingWeight = l.hammingWeight();
      sigma = l.sigma();
      dnum = l.dnum();
      securityOff = l.securityOff();
    }

    public Builder logN(int v) {
      logN = v;
      return this;
    }

    public Builder logQ(int... v) {
      logQ = v.clone();
      return this;
    }

    public Builder logP(int... v) {
      logP = v.clone();
      return this;
    }

    public Builder logDefaultScale(double v) {
      logDefaultScale = v;
      return this;
    }

    public Builder uniformTernarySecret() {
      secret = SecretDistribution.UNIFORM_TERNARY;
      hammingWeight = 0;
      return this;
    }

    public Builder hammingWeightSecret(int h) {
      secret = SecretDistribution.FIXED_HAMMING_WEIGHT;
      hammingWeight = h;
      return this;
    }

    public Builder sigma(double v) {
      sigma = v;
      return this;
    }

    public Builder dnum(int v) {
      dnum = v;
      return this;
    }

    /** Accept parameters below 128-bit security. Only tests and experiments should say this. */
    public Builder securityOff() {
      securityOff = true;
      return this;
    }

    public Literal literal() {
      double scale = Double.isNaN(logDefaultScale) && logQ != null && logQ.length > 1
          ? logQ[1] : logDefaultScale;
      return new Literal(
          logN, logQ, logP, scale, secret, hammingWeight, sigma, dnum, securityOff);
    }

    public Parameters build() {
      return create(literal());
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  private final Literal literal;
  private final int logN;
  private final long[] qPrimes;
  private final long[] pPrimes;
  private final double defaultScale;
  private final int dnum;
  private final int alpha;
  private final double logQP;
  private final byte[] digest;

  private Parameters(Literal l, long[] q, long[] p, int dnum, int alpha) {
    this.literal = l;
    this.logN = l.logN();
    this.qPrimes = q;
    this.pPrimes = p;
    this.defaultScale = Math.pow(2, l.logDefaultScale());
    this.dnum = dnum;
    this.alpha = alpha;
    double bits = 0;
    for (long x : q) {
      bits += Math.log(x) / Math.log(2);
    }
    for (long x : p) {
      bits += Math.log(x) / Math.log(2);
    }
    this.logQP = bits;
    this.digest = computeDigest();
  }

  /**
   * Validates the literal and generates its primes.
   *
   * @throws InvalidParametersException naming the first field that is wrong
   */
  public static Parameters create(Literal l) {
    Objects.requireNonNull(l, "literal");
    int minLogN = l.securityOff() ? 3 : 12;
    if (l.logN() < minLogN || l.logN() > 16) {
      throw new InvalidParametersException(
          "logN must be in [12, 16]"
              + (l.securityOff() ? " (3..16 with security off)" : "; below 12 needs securityOff()")
              + ", got "
              + l.logN());
    }
    int[] lq = l.logQ();
    int[] lp = l.logP();
    if (lq == null || lq.length == 0) {
      throw new InvalidParametersException("logQ must list at least one data prime");
    }
    if (lp == null || lp.length == 0) {
      throw new InvalidParametersException(
          "logP must list at least one special prime (needed for key switching)");
    }
    if (lq.length > 64 || lp.length > 16) {
      throw new InvalidParametersException(
          "at most 64 data primes and 16 special primes, got " + lq.length + " and " + lp.length);
    }
    for (int b : lq) {
      checkPrimeBits("logQ", b);
    }
    for (int b : lp) {
      checkPrimeBits("logP", b);
    }
    if (!(l.logDefaultScale() > 0) || l.logDefaultScale() > 120) {
      throw new InvalidParametersException(
          "logDefaultScale must be in (0, 120], got " + l.logDefaultScale());
    }
    if (l.secret() == null) {
      throw new InvalidParametersException("secret distribution is missing");
    }
    int n = 1 << l.logN();
    if (l.secret() == SecretDistribution.UNIFORM_TERNARY && l.hammingWeight() != 0) {
      throw new InvalidParametersException(
          "hammingWeight must be 0 for a uniform ternary secret, got " + l.hammingWeight());
    }
    if (l.secret() == SecretDistribution.FIXED_HAMMING_WEIGHT) {
      if (l.hammingWeight() < 1 || l.hammingWeight() > n) {
        throw new InvalidParametersException(
            "hammingWeight must be in [1, N=" + n + "], got " + l.hammingWeight());
      }
      if (!l.securityOff() && l.hammingWeight() < MIN_SECURE_HAMMING_WEIGHT) {
        throw new InvalidParametersException(
            "hammingWeight "
                + l.hammingWeight()
                + " is below "
                + MIN_SECURE_HAMMING_WEIGHT
                + ", too sparse for 128-bit security");
      }
    }
    if (!(l.sigma() >= 0.5) || l.sigma() > 64) {
      throw new InvalidParametersException("sigma must be in [0.5, 64], got " + l.sigma());
    }
    if (!l.securityOff() && l.sigma() < DEFAULT_SIGMA) {
      throw new InvalidParametersException(
          "sigma " + l.sigma() + " is below the standard's 3.2");
    }
    int bitSum = 0;
    for (int b : lq) {
      bitSum += b;
    }
    for (int b : lp) {
      bitSum += b;
    }
    if (!l.securityOff() && l.secret() == SecretDistribution.FIXED_HAMMING_WEIGHT) {
      int max = maxSparseLogQP(l.logN());
      if (max < 0) {
        throw new InvalidParametersException(
            "insecure: no published 128-bit bound for sparse (Hamming weight) secrets at N = 2^"
                + l.logN() + " (sparse secrets need logN 15 or 16); use a uniform ternary secret");
      }
      if (bitSum > max) {
        throw new InvalidParametersException(
            "insecure: log2(QP) = "
                + bitSum
                + " bits exceeds the 128-bit bound of "
                + max
                + " bits for a sparse secret (Hamming weight "
                + l.hammingWeight()
                + ") at N = 2^"
                + l.logN()
                + " (weight-192 sets of Bossuat et al. 2021); the ternary bound of "
                + maxLogQP(l.logN())
                + " bits holds only for uniform ternary secrets: drop primes or use one");
      }
    }
    if (!l.securityOff()) {
      int max = maxLogQP(l.logN());
      if (bitSum > max) {
        throw new InvalidParametersException(
            "insecure: log2(QP) = "
                + bitSum
                + " bits exceeds the 128-bit bound of "
                + max
                + " bits for N = 2^"
                + l.logN()
                + " (HomomorphicEncryption.org standard); drop primes or raise logN");
      }
    }
    int levels = lq.length;
    int maxP = 0;
    for (int b : lp) {
      maxP += b;
    }
    int dnum = l.dnum();
    int alpha;
    if (dnum < 0 || dnum > levels) {
      throw new InvalidParametersException(
          "dnum must be in [0, " + levels + "] (0 = automatic), got " + dnum);
    }
    if (dnum == 0) {
      // the largest digit size whose every digit fits under P (one bit of slack)
      alpha = 1;
      for (int a = levels; a >= 1; a--) {
        if (maxDigitBits(lq, a) <= maxP + 1) {
          alpha = a;
          break;
        }
      }
      dnum = (levels + alpha - 1) / alpha;
    } else {
      alpha = (levels + dnum - 1) / dnum;
      dnum = (levels + alpha - 1) / alpha;
      if (maxDigitBits(lq, alpha) > maxP + 1) {
        throw new InvalidParametersException(
            "dnum " + l.dnum() + " makes key-switching digits of " + maxDigitBits(lq, alpha)
                + " bits, larger than the " + maxP + " bits of the special primes (the"
                + " key-switching noise would swamp the message): raise dnum or logP");
      }
    }
    // balanced digits: the digit size is a function of dnum alone, so equal dnum (which the
    // digest covers) always means equal digits
    alpha = (levels + dnum - 1) / dnum;
    long[] primes;
    int[] all = new int[lq.length + lp.length];
    System.arraycopy(lq, 0, all, 0, lq.length);
    System.arraycopy(lp, 0, all, lq.length, lp.length);
    try {
      primes = Primes.generate(l.logN(), all);
    } catch (IllegalArgumentException e) {
      throw new InvalidParametersException(e.getMessage());
    }
    return new Parameters(
        l,
        Arrays.copyOfRange(primes, 0, lq.length),
        Arrays.copyOfRange(primes, lq.length, primes.length),
        dnum,
        alpha);
  }

  private static void checkPrimeBits(String field, int b) {
    if (b < 18 || b > 61) {
      throw new InvalidParametersException(field + " entries must be in [18, 61] bits, got " + b);
    }
  }

  private static int maxDigitBits(int[] lq, int alpha) {
    int max = 0;
    for (int s = 0; s < lq.length; s += alpha) {
      int sum = 0;
      for (int i = s; i < Math.min(lq.length, s + alpha); i++) {
        sum += lq[i];
      }
      max = Math.max(max, sum);
    }
    return max;
  }

  /** The 128-bit bound on log2(QP) for ternary secrets, or -1 outside logN 10..16. */
  public static int maxLogQP(int logN) {
    return logN < 10 || logN > 16 ? -1 : MAX_LOG_QP_128[logN - 10];
  }

  /**
   * The 128-bit bound on log2(QP) for a sparse secret of Hamming weight at least {@value
   * #MIN_SECURE_HAMMING_WEIGHT}, or -1 where no published bound exists (logN below 15).
   */
  public static int maxSparseLogQP(int logN) {
    return logN < MIN_SPARSE_LOG_N || logN > 16 ? -1 : MAX_SPARSE_LOG_QP_128[logN - MIN_SPARSE_LOG_N];
  }

  // ------------------------------------------------------------------ accessors

  public Literal literal() {
    return literal;
  }

  public int logN() {
    return logN;
  }

  /** Ring degree N. */
  public int n() {
    return 1 << logN;
  }

  /** Complex slots, N/2. */
  public int slots() {
    return 1 << (logN - 1);
  }

  /** Highest level: the number of data primes minus one. */
  public int maxLevel() {
    return qPrimes.length - 1;
  }

  public int qCount() {
    return qPrimes.length;
  }

  public int pCount() {
    return pPrimes.length;
  }

  public long q(int i) {
    return qPrimes[i];
  }

  public long p(int i) {
    return pPrimes[i];
  }

  public long[] qPrimes() {
    return qPrimes.clone();
  }

  public long[] pPrimes() {
    return pPrimes.clone();
  }

  /** Data primes then special primes, as laid out in the ring context. */
  public long[] allPrimes() {
    long[] all = Arrays.copyOf(qPrimes, qPrimes.length + pPrimes.length);
    System.arraycopy(pPrimes, 0, all, qPrimes.length, pPrimes.length);
    return all;
  }

  public double defaultScale() {
    return defaultScale;
  }

  public double logDefaultScale() {
    return literal.logDefaultScale();
  }

  public SecretDistribution secretDistribution() {
    return literal.secret();
  }

  public int hammingWeight() {
    return literal.hammingWeight();
  }

  public double sigma() {
    return literal.sigma();
  }

  /** Number of key-switching digits at the top level. */
  public int dnum() {
    return dnum;
  }

  /** Data primes per key-switching digit. */
  public int alpha() {
    return alpha;
  }

  /** Digits in use at {@code level}. */
  public int digitsAt(int level) {
    return (level + alpha) / alpha;
  }

  public double logQP() {
    return logQP;
  }

  public boolean securityOff() {
    return literal.securityOff();
  }

  /** SHA-256 of the canonical encoding: equal digests, equal parameters. */
  public byte[] digest() {
    return digest.clone();
  }

  public String digestHex() {
    return HexFormat.of().formatHex(digest);
  }

  /** Canonical encoding of everything that defines these parameters (also the io format body). */
  public byte[] canonicalBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write("veil-ckks-params".getBytes(StandardCharsets.US_ASCII));
      out.writeByte(logN);
      out.writeByte(qPrimes.length);
      for (long x : qPrimes) {
        out.writeLong(x);
      }
      out.writeByte(pPrimes.length);
      for (long x : pPrimes) {
        out.writeLong(x);
      }
      out.writeDouble(literal.logDefaultScale());
      out.writeByte(literal.secret().ordinal());
      out.writeInt(literal.hammingWeight());
      out.writeDouble(literal.sigma());
      out.writeByte(dnum);
      out.writeBoolean(literal.securityOff());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return bytes.toByteArray();
  }

  private byte[] computeDigest() {
    try {
      return MessageDigest.getInstance("SHA-256").digest(canonicalBytes());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Throws {@link ParameterMismatchException} unless {@code other} equals these parameters. */
  public void requireSame(Parameters other, String what) {
    if (other != this && !equals(other)) {
      throw new ParameterMismatchException(
          what + ": parameters differ (" + shortId() + " vs " + other.shortId() + ")");
    }
  }

  /** First 8 hex digits of the digest, for messages. */
  public String shortId() {
    return digestHex().substring(0, 8) + "/N=2^" + logN;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Parameters p && Arrays.equals(digest, p.digest);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(digest);
  }

  @Override
  public String toString() {
    return "Parameters[N=2^"
        + logN
        + ", levels="
        + maxLevel()
        + ", logQP="
        + String.format("%.1f", logQP)
        + ", scale=2^"
        + literal.logDefaultScale()
        + ", dnum="
        + dnum
        + ", "
        + literal.secret()
        + (securityOff() ? ", SECURITY OFF" : "")
        + "]";
  }
}
