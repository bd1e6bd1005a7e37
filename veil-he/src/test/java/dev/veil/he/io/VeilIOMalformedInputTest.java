package dev.veil.he.io;

import static dev.veil.he.io.IoFixtures.CTX;
import static dev.veil.he.io.IoFixtures.EVAL;
import static dev.veil.he.io.IoFixtures.GALOIS_5;
import static dev.veil.he.io.IoFixtures.OTHER_CTX;
import static dev.veil.he.io.IoFixtures.OTHER_PARAMS;
import static dev.veil.he.io.IoFixtures.PARAMS;
import static dev.veil.he.io.IoFixtures.PK;
import static dev.veil.he.io.IoFixtures.RELIN;
import static dev.veil.he.io.IoFixtures.SK;
import static dev.veil.he.io.IoFixtures.bytes;
import static dev.veil.he.io.IoFixtures.in;
import static dev.veil.he.io.IoFixtures.putI32;
import static dev.veil.he.io.IoFixtures.putI64;
import static dev.veil.he.io.IoFixtures.readOutcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import dev.veil.he.io.VeilIO.Form;
import dev.veil.he.io.VeilIO.ObjectReader;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.SecretKeyAccess;

class VeilIOMalformedInputTest {

  /** One serialized sample of each object type and form, with its reader. */
  private record Sample(String name, byte[] data, ObjectReader<?> reader) {}

  private static final List<Sample> SAMPLES = samples();

  private static List<Sample> samples() {
    Ciphertext seededCt = Encryptor.withSecretKey(CTX, SK)
        .encrypt(IoFixtures.randomPlaintext(PARAMS, 2, PARAMS.defaultScale(), 1));
    Ciphertext deg2 = IoFixtures.randomDegree2(2, 2);
    ObjectReader<?> ctReader = in -> VeilIO.readCiphertext(in, CTX);
    ObjectReader<?> pkReader = in -> VeilIO.readPublicKey(in, CTX);
    ObjectReader<?> swkReader = in -> VeilIO.readSwitchingKey(in, CTX);
    ObjectReader<?> evkReader = in -> VeilIO.readEvaluationKeys(in, CTX);
    List<Sample> s = new ArrayList<>();
    s.add(new Sample("parameters", bytes(o -> VeilIO.write(o, PARAMS)), VeilIO::readParameters));
    s.add(new Sample("plaintext",
        bytes(o -> VeilIO.write(o, IoFixtures.randomPlaintext(PARAMS, 2, 3.0, 4))),
        in -> VeilIO.readPlaintext(in, PARAMS)));
    s.add(new Sample("seeded ciphertext", bytes(o -> VeilIO.write(o, seededCt)), ctReader));
    s.add(new Sample("full ciphertext",
        bytes(o -> VeilIO.write(o, seededCt, Form.FULL)), ctReader));
    s.add(new Sample("degree-2 ciphertext", bytes(o -> VeilIO.write(o, deg2)), ctReader));
    // the upload checker refuses exactly what the reader refuses
    ObjectReader<?> ctChecker = in -> VeilIO.checkCiphertext(in, PARAMS);
    s.add(new Sample("seeded ciphertext, checked", bytes(o -> VeilIO.write(o, seededCt)),
        ctChecker));
    s.add(new Sample("full ciphertext, checked",
        bytes(o -> VeilIO.write(o, seededCt, Form.FULL)), ctChecker));
    s.add(new Sample("degree-2 ciphertext, checked", bytes(o -> VeilIO.write(o, deg2)),
        ctChecker));
    s.add(new Sample("seeded public key", bytes(o -> VeilIO.write(o, PK)), pkReader));
    s.add(new Sample("full public key", bytes(o -> VeilIO.write(o, PK, Form.FULL)), pkReader));
    ObjectReader<?> pkChecker = in -> VeilIO.checkPublicKey(in, PARAMS);
    s.add(new Sample("seeded public key, checked", bytes(o -> VeilIO.write(o, PK)), pkChecker));
    s.add(new Sample("full public key, checked", bytes(o -> VeilIO.write(o, PK, Form.FULL)),
        pkChecker));
    s.add(new Sample("seeded relin key", bytes(o -> VeilIO.write(o, RELIN)), swkReader));
    s.add(new Sample("full Galois key",
        bytes(o -> VeilIO.write(o, GALOIS_5, Form.FULL)), swkReader));
    s.add(new Sample("seeded evaluation keys", bytes(o -> VeilIO.write(o, EVAL)), evkReader));
    s.add(new Sample("full evaluation keys",
        bytes(o -> VeilIO.write(o, EVAL, Form.FULL)), evkReader));
    ObjectReader<?> evkChecker = in -> VeilIO.checkEvaluationKeys(in, PARAMS);
    s.add(new Sample("seeded evaluation keys, checked", bytes(o -> VeilIO.write(o, EVAL)),
        evkChecker));
    s.add(new Sample("full evaluation keys, checked",
        bytes(o -> VeilIO.write(o, EVAL, Form.FULL)), evkChecker));
    s.add(new Sample("secret key",
        bytes(o -> VeilIO.writeSecretKey(o, SK, SecretKeyAccess.INSECURE)),
        in -> VeilIO.readSecretKey(in, CTX)));
    return s;
  }

  private static Sample sample(String name) {
    return SAMPLES.stream().filter(s -> s.name.equals(name)).findFirst().orElseThrow();
  }

  private static FormatException expectFormat(byte[] data, ObjectReader<?> reader, String what) {
    FormatException e = readOutcome(data, reader, what);
    assertThat(e).as(what + " should be rejected").isNotNull();
    return e;
  }

  // ------------------------------------------------------------------ header

  @Test
  void wrongMagicVersionTypeAndFlags() {
    for (Sample s : SAMPLES) {
      byte[] b = s.data.clone();
      b[0] = 'X';
      assertThat(expectFormat(b, s.reader, s.name)).hasMessageContaining("magic");
      b = s.data.clone();
      b[4] = 3;
      assertThat(expectFormat(b, s.reader, s.name)).hasMessageContaining("unsupported format version 3");
      b[4] = 0;
      assertThat(expectFormat(b, s.reader, s.name)).hasMessageContaining("unsupported format version 0");
      b = s.data.clone();
      b[6] = (byte) (b[6] == 3 ? 4 : 3);
      assertThat(expectFormat(b, s.reader, s.name)).hasMessageContaining("wrong object type");
      b[6] = 99;
      assertThat(expectFormat(b, s.reader, s.name)).hasMessageContaining("unknown type 99");
      b = s.data.clone();
      b[7] |= 0x80;
      assertThat(expectFormat(b, s.reader, s.name)).hasMessageContaining("flags");
    }
  }

  @Test
  void readingAnotherObjectTypeNamesBoth() {
    byte[] pk = sample("seeded public key").data;
    assertThatThrownBy(() -> VeilIO.readCiphertext(in(pk), CTX))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("expected a ciphertext, found a public key");
  }

  @Test
  void otherParametersAreRejected() {
    List<ObjectReader<?>> otherReaders = List.of(
        in -> VeilIO.readPlaintext(in, OTHER_PARAMS),
        in -> VeilIO.readCiphertext(in, OTHER_CTX),
        in -> VeilIO.readPublicKey(in, OTHER_CTX),
        in -> VeilIO.readSwitchingKey(in, OTHER_CTX),
        in -> VeilIO.readEvaluationKeys(in, OTHER_CTX),
        in -> VeilIO.readSecretKey(in, OTHER_CTX));
    List<String> names = List.of("plaintext", "seeded ciphertext", "full public key",
        "seeded relin key", "full evaluation keys", "secret key");
    for (int i = 0; i < names.size(); i++) {
      assertThat(expectFormat(sample(names.get(i)).data, otherReaders.get(i), names.get(i)))
          .hasMessageContaining("made for other parameters");
    }
  }

  // ------------------------------------------------------------------ parameters

  @Test
  void parametersWithForeignPrimesOrInvalidLiteralAreRejected() {
    byte[] b = sample("parameters").data.clone();
    // the first data prime is the first u64 after the literal; flip its lowest bit
    int firstPrime = b.length - 32 - 8 * (PARAMS.qCount() + PARAMS.pCount());
    b[firstPrime] ^= 2;
    assertThat(expectFormat(b, VeilIO::readParameters, "prime"))
        .hasMessageContaining("data prime q0")
        .hasMessageContaining("differs");
    b = sample("parameters").data.clone();
    b[8] = 99; // logN
    assertThat(expectFormat(b, VeilIO::readParameters, "logN"))
        .hasMessageContaining("invalid parameters")
        .hasMessageContaining("logN");
    b = sample("parameters").data.clone();
    b[9] = (byte) 200; // 200 data primes, then the input ends
    assertThat(expectFormat(b, VeilIO::readParameters, "many primes")).isNotNull();
  }

  /** SHA-256 of the serialized parameters of a fixed literal: a format change must show here. */
  @Test
  void pinnedParametersEncoding() throws Exception {
    var p = dev.veil.he.rlwe.Parameters.builder().logN(12).logQ(40, 30).logP(38).build();
    byte[] b = bytes(o -> VeilIO.write(o, p));
    assertThat(b.length).isEqualTo(8 + 1 + 1 + 2 + 1 + 1 + 8 + 1 + 4 + 8 + 1 + 1 + 24 + 32);
    assertThat(new String(b, 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("VEIL");
    String hex = java.util.HexFormat.of().formatHex(
        java.security.MessageDigest.getInstance("SHA-256").digest(asVersion1(b)));
    assertThat(hex).as("version-1 form (the pin predates the trailer)")
        .isEqualTo(PINNED_PARAMS_SHA256);
  }

  private static final String PINNED_PARAMS_SHA256 =
      "c21f8fec4165d242612e20153a1ec88dde1e71a8fdd795607c890b3ec0e4250a";

  // ------------------------------------------------------------------ absurd fields

  @Test
  void absurdLevelsDegreesAndScales() {
    byte[] ct = sample("full ciphertext").data;
    ObjectReader<?> r = sample("full ciphertext").reader;
    for (int level : new int[] {Integer.MAX_VALUE, -1, 3, Integer.MIN_VALUE}) {
      byte[] b = ct.clone();
      putI32(b, 44, level);
      assertThat(expectFormat(b, r, "level " + level)).hasMessageContaining("level");
    }
    for (int degree : new int[] {Integer.MAX_VALUE, 0, 3, -1}) {
      byte[] b = ct.clone();
      putI32(b, 40, degree);
      assertThat(expectFormat(b, r, "degree " + degree)).hasMessageContaining("degree");
    }
    for (double scale : new double[] {Double.NaN, 0, -1, Double.POSITIVE_INFINITY}) {
      byte[] b = ct.clone();
      putI64(b, 48, Double.doubleToRawLongBits(scale));
      assertThat(expectFormat(b, r, "scale " + scale)).hasMessageContaining("scale");
    }
    byte[] seeded = sample("seeded ciphertext").data.clone();
    putI32(seeded, 40, 2);
    assertThat(expectFormat(seeded, r, "seeded degree 2")).hasMessageContaining("seeded");
    byte[] pt = sample("plaintext").data.clone();
    putI32(pt, 40, Integer.MAX_VALUE);
    assertThat(expectFormat(pt, sample("plaintext").reader, "plaintext level"))
        .hasMessageContaining("level");
  }

  @Test
  void absurdRowAndDigitCounts() {
    Sample pk = sample("full public key");
    for (int rows : new int[] {Integer.MAX_VALUE, 0, 3, 5, -1}) {
      byte[] b = pk.data.clone();
      putI32(b, 40, rows);
      assertThat(expectFormat(b, pk.reader, "pk rows " + rows)).hasMessageContaining("rows");
    }
    Sample swk = sample("seeded relin key");
    for (int digits : new int[] {Integer.MAX_VALUE, 0, 2, 4, -1}) {
      byte[] b = swk.data.clone();
      putI32(b, 48, digits);
      assertThat(expectFormat(b, swk.reader, "digits " + digits))
          .hasMessageContaining("digits");
    }
    byte[] b = swk.data.clone();
    putI32(b, 52, Integer.MAX_VALUE);
    assertThat(expectFormat(b, swk.reader, "swk rows")).hasMessageContaining("rows");
    Sample sk = sample("secret key");
    for (int n : new int[] {Integer.MAX_VALUE, 0, 512, 2048, -4}) {
      byte[] c = sk.data.clone();
      putI32(c, 40, n);
      assertThat(expectFormat(c, sk.reader, "sk n " + n)).hasMessageContaining("coefficients");
    }
  }

  @Test
  void invalidGaloisElements() {
    Sample swk = sample("full Galois key");
    long twoN = 2L * PARAMS.n();
    for (long g : new long[] {2, twoN, twoN + 1, -1, -5, Long.MAX_VALUE, 1L << 40}) {
      byte[] b = swk.data.clone();
      putI64(b, 40, g);
      assertThat(expectFormat(b, swk.reader, "element " + g))
          .hasMessageContaining("Galois element");
    }
    // a valid but different element passes the field checks, and the trailer catches it
    byte[] b = swk.data.clone();
    putI64(b, 40, 7);
    assertThat(expectFormat(b, swk.reader, "element 7"))
        .hasMessageContaining("integrity check failed");
    // as version 1 (no trailer) it reads: such a file does not prove what it is
    byte[] v1 = java.util.Arrays.copyOf(b, b.length - 32);
    v1[4] = 1;
    assertThat(readOutcome(v1, swk.reader, "element 7, version 1")).isNull();
  }

  @Test
  void evaluationKeySetCountsAndOrder() throws Exception {
    Sample evk = sample("seeded evaluation keys");
    for (int count : new int[] {Integer.MAX_VALUE, PARAMS.n() + 2, -1, Integer.MIN_VALUE}) {
      byte[] b = evk.data.clone();
      putI32(b, 40, count);
      assertThat(expectFormat(b, evk.reader, "count " + count)).hasMessageContaining("keys");
    }
    // claims N + 1 keys, holds 3: must fail by truncation, not by allocating N + 1 keys up front
    byte[] b = java.util.Arrays.copyOf(evk.data, evk.data.length - 32); // no trailer
    putI32(b, 40, PARAMS.n() + 1);
    assertThat(expectFormat(b, evk.reader, "count N+1")).hasMessageContaining("truncated");

    // duplicates and descending order: build a set of two Galois keys and rewrite the elements
    EvaluationKeys two = new EvaluationKeys(PARAMS, null, List.of(GALOIS_5, IoFixtures.GALOIS_CONJ));
    byte[] data = bytes(o -> VeilIO.write(o, two));
    long record = VeilIO.serializedSize(GALOIS_5) - 40 - 32; // a key record after its flags
    int second = (int) (44 + 1 + record) + 1; // element of the second key
    byte[] dup = data.clone();
    putI64(dup, second, 5);
    assertThat(expectFormat(dup, evk.reader, "duplicate")).hasMessageContaining("ascending");
    byte[] desc = data.clone();
    putI64(desc, second, 3);
    assertThat(expectFormat(desc, evk.reader, "descending")).hasMessageContaining("ascending");
    byte[] relinLast = data.clone();
    putI64(relinLast, second, 0);
    assertThat(expectFormat(relinLast, evk.reader, "relin last"))
        .hasMessageContaining("ascending");
    byte[] flags = data.clone();
    flags[44] = 2;
    assertThat(expectFormat(flags, evk.reader, "key flags")).hasMessageContaining("flags");
    EvaluationKeys back = VeilIO.readEvaluationKeys(in(data), CTX);
    assertThat(back.galoisKeys().keySet()).containsExactly(5L, 2L * PARAMS.n() - 1);
  }

  @Test
  void secretKeyCoefficientsOutsideTernaryAreRejected() {
    Sample sk = sample("secret key");
    byte[] b = sk.data.clone();
    b[44 + 10] |= 0b11 << 4; // coefficient 42
    assertThat(expectFormat(b, sk.reader, "sk coefficient"))
        .hasMessageContaining("coefficient 42")
        .hasMessageContaining("{-1, 0, 1}");
  }

  @Test
  void coefficientsAtOrAboveThePrimeAreRejected() {
    Sample pt = sample("plaintext");
    byte[] b = pt.data.clone();
    // first coefficient of row 0 (50-bit prime): set all its 50 bits
    int start = 52;
    for (int i = 0; i < 6; i++) {
      b[start + i] = (byte) 0xFF;
    }
    b[start + 6] |= 0x03;
    assertThat(expectFormat(b, pt.reader, "coefficient >= q"))
        .hasMessageContaining("not below its prime");
  }

  // ------------------------------------------------------------------ truncation and flips

  @Test
  void truncationAtManyCutPointsIsAlwaysAFormatException() {
    for (Sample s : SAMPLES) {
      TreeSet<Integer> cuts = new TreeSet<>();
      for (int i = 0; i < Math.min(120, s.data.length); i++) {
        cuts.add(i);
      }
      for (int k = 1; k < 60; k++) {
        cuts.add((int) ((long) s.data.length * k / 60));
      }
      for (int i = 1; i <= 9; i++) {
        cuts.add(s.data.length - i);
      }
      for (int cut : cuts) {
        if (cut >= s.data.length || cut < 0) {
          continue;
        }
        byte[] b = java.util.Arrays.copyOf(s.data, cut);
        assertThat(expectFormat(b, s.reader, s.name + " cut at " + cut))
            .hasMessageContaining("truncated");
      }
    }
  }

  @Test
  void eofExceptionFromTheStreamIsWrapped() {
    byte[] data = sample("full public key").data;
    InputStream throwing = new InputStream() {
      int pos;

      @Override
      public int read() throws IOException {
        if (pos >= 100) {
          throw new EOFException("stream ended");
        }
        return data[pos++] & 0xFF;
      }
    };
    assertThatThrownBy(() -> VeilIO.readPublicKey(throwing, CTX))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("truncated")
        .hasCauseInstanceOf(EOFException.class);
  }

  /** The same object as version 1: without its trailer, version field 1. */
  private static byte[] asVersion1(byte[] v2) {
    byte[] v1 = java.util.Arrays.copyOf(v2, v2.length - 32);
    v1[4] = 1;
    return v1;
  }

  @Test
  void version1FilesWithoutTheTrailerStillRead() {
    for (Sample s : SAMPLES) {
      assertThat(readOutcome(asVersion1(s.data), s.reader, s.name + " as version 1"))
          .as(s.name).isNull();
    }
  }

  /**
   * A flipped bit anywhere is refused with a FormatException, never read and never another
   * exception: every bit of the header (and parameter digest), of the trailer, and of a spread of
   * body bytes (each sample's first 64 body bytes, then 160 more at random). Where no field check
   * catches a body flip, the trailer does.
   */
  @Test
  void aFlippedBitInHeaderBodyOrTrailerIsAlwaysRefused() {
    Random rnd = new Random(20261207L);
    for (Sample s : SAMPLES) {
      int head = s.name.equals("parameters") ? 8 : 40;
      int trailer = s.data.length - 32;
      Map<String, TreeSet<Integer>> classes = new LinkedHashMap<>();
      TreeSet<Integer> h = new TreeSet<>();
      TreeSet<Integer> body = new TreeSet<>();
      TreeSet<Integer> t = new TreeSet<>();
      for (int i = 0; i < head; i++) {
        h.add(i);
      }
      for (int i = head; i < Math.min(trailer, head + 64); i++) {
        body.add(i);
      }
      for (int k = 0; k < 160; k++) {
        body.add(head + rnd.nextInt(trailer - head));
      }
      for (int i = trailer; i < s.data.length; i++) {
        t.add(i);
      }
      classes.put("header", h);
      classes.put("body", body);
      classes.put("trailer", t);
      int integrity = 0;
      for (Map.Entry<String, TreeSet<Integer>> c : classes.entrySet()) {
        for (int pos : c.getValue()) {
          int bit = rnd.nextInt(8);
          byte[] b = s.data.clone();
          b[pos] ^= (byte) (1 << bit);
          String what = s.name + ", " + c.getKey() + " byte " + pos + " bit " + bit;
          FormatException e = expectFormat(b, s.reader, what);
          if (c.getKey().equals("trailer")) {
            assertThat(e).as(what).hasMessageContaining("integrity check failed")
                .hasMessageContaining("SHA-256 trailer");
          }
          if (e.getMessage().contains("integrity check failed")) {
            integrity++;
          }
        }
      }
      assertThat(integrity).as(s.name + ": flips only the trailer caught")
          .isGreaterThan(32);
    }
  }

  @Test
  void singleBitFlipsReadOrFailCleanly() {
    Random rnd = new Random(20240611L);
    Map<String, int[]> outcomes = new LinkedHashMap<>();
    for (Sample s : SAMPLES) {
      TreeSet<Long> bits = new TreeSet<>();
      // every bit of the header, digest and leading fields, then random positions in the body
      for (long i = 0; i < Math.min(90L * 8, s.data.length * 8L); i++) {
        bits.add(i);
      }
      for (int k = 0; k < 120; k++) {
        bits.add((long) (rnd.nextDouble() * s.data.length * 8));
      }
      int ok = 0;
      int rejected = 0;
      for (long bit : bits) {
        byte[] b = s.data.clone();
        b[(int) (bit >>> 3)] ^= (byte) (1 << (bit & 7));
        if (readOutcome(b, s.reader, s.name + " bit " + bit) == null) {
          ok++;
        } else {
          rejected++;
        }
      }
      outcomes.put(s.name, new int[] {ok, rejected});
      // every bit of magic, version, type and digest must be rejected
      assertThat(rejected).as(s.name).isGreaterThanOrEqualTo(
          s.name.equals("parameters") ? 8 * 8 : 8 * 39);
    }
    assertThat(outcomes).hasSize(SAMPLES.size());
  }
}
