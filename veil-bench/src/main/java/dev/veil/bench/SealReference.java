package dev.veil.bench;

import java.util.Map;

/**
 * Microsoft SEAL 4.4.3 figures measured on the benchmark machine kind, printed beside Veil's.
 *
 * <p>Source: {@code /work/shared/anchors/ANCHORS.md}, section 1 ("CKKS engines, measured here"):
 * SEAL built from source in Release (no HEXL, no zlib/zstd), one thread, median of 21-100 runs on
 * 2 cores of an AMD EPYC with AVX-512. Its N = 2^13 / 2^14 / 2^15 rows use the prime chains
 * {60, 40, 40, 60}, {60, 7 x 40, 60} and {60, 19 x 40, 60} with scale 2^40, the same ring degree,
 * levels and scale as the presets N13QP201, N14QP401 and N15QP881 (whose special prime has 61
 * bits). SEAL has no hoisted rotations, so {@code hoisted8} has no reference.
 */
final class SealReference {
  private SealReference() {}

  /** Medians in microseconds by operation name (the JSON names), for logN 13, 14, 15. */
  private static final Map<String, double[]> MICROS = Map.ofEntries(
      Map.entry("ntt", new double[] {55.6, 115, 323}),
      Map.entry("encode", new double[] {351, 1_834, 10_332}),
      Map.entry("encryptPk", new double[] {2_346, 9_856, 52_062}),
      Map.entry("encryptSk", new double[] {970, 4_676, 24_769}),
      Map.entry("add", new double[] {55, 305, 1_707}),
      Map.entry("mulPlain", new double[] {113, 608, 3_300}),
      Map.entry("mul", new double[] {250, 1_365, 7_304}),
      Map.entry("relin", new double[] {1_626, 15_874, 161_890}),
      Map.entry("mulRelin", new double[] {1_869, 17_060, 168_641}),
      Map.entry("rescale", new double[] {396, 2_334, 15_758}),
      Map.entry("rotate", new double[] {1_685, 15_728, 179_157}),
      Map.entry("conjugate", new double[] {1_615, 15_836, 202_504}),
      Map.entry("decryptDecode", new double[] {740, 5_988, 65_870}),
      Map.entry("keygenRelin", new double[] {3_548, 41_578, 710_601}),
      Map.entry("keygenGalois", new double[] {3_720, 43_894, 487_342}));

  /**
   * Serialised sizes in bytes by the JSON names of {@code bytes} (plus the "Full" forms), for
   * logN 13, 14, 15. SEAL's seeded objects are compared with Veil's seeded ones, its full objects
   * with Veil's full ones. The N = 2^15 Galois key is given as "~220,000,000" in ANCHORS.md.
   */
  private static final Map<String, long[]> BYTES = Map.ofEntries(
      Map.entry("ciphertext", new long[] {393_329, 2_097_265, 10_485_873}),
      Map.entry("ciphertextSeeded", new long[] {196_802, 1_048_770, 5_243_074}),
      Map.entry("publicKey", new long[] {262_338, 1_179_842, 5_505_218}),
      Map.entry("publicKeyFull", new long[] {524_401, 2_359_409, 11_010_161}),
      Map.entry("relinKey", new long[] {787_078, 9_438_800, 110_104_424}),
      Map.entry("relinKeyFull", new long[] {1_573_267, 18_875_336, 220_203_284}),
      Map.entry("galoisKeyFull", new long[] {1_638_795, 19_006_400, 220_000_000}));

  /**
   * Largest absolute error over all slots (inputs uniform in [-1, 1]) after multiply +
   * relinearise + rescale and after one rotation, for logN 13, 14, 15.
   */
  private static final Map<String, double[]> MAX_ERROR = Map.of(
      "mulRelinRescale", new double[] {8.5e-9, 2.1e-8, 5.4e-8},
      "rotate", new double[] {3.5e-7, 2.4e-6, 3.3e-6});

  private static int column(int logN) {
    return logN >= 13 && logN <= 15 ? logN - 13 : -1;
  }

  /** SEAL's median in microseconds, or NaN when there is no figure. */
  static double micros(int logN, String op) {
    double[] row = MICROS.get(op);
    int c = column(logN);
    return row == null || c < 0 ? Double.NaN : row[c];
  }

  /** SEAL's serialised size in bytes, or -1 when there is no figure. */
  static long bytes(int logN, String object) {
    long[] row = BYTES.get(object);
    int c = column(logN);
    return row == null || c < 0 ? -1 : row[c];
  }

  /** SEAL's largest slot error, or NaN when there is no figure. */
  static double maxError(int logN, String what) {
    double[] row = MAX_ERROR.get(what);
    int c = column(logN);
    return row == null || c < 0 ? Double.NaN : row[c];
  }
}
