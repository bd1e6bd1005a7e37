package dev.veil.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.ckks.PrecisionStats;
import dev.veil.he.ckks.Presets;
import dev.veil.he.io.VeilIO;
import dev.veil.he.ring.NttTable;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Decryptor;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.Plaintext;
import dev.veil.he.rlwe.PublicKey;
import dev.veil.he.rlwe.SecretKey;
import dev.veil.he.rlwe.SwitchingKey;

/**
 * End-to-end CKKS micro-benchmark behind {@code veil bench ckks}.
 *
 * <p>For each preset it times, with a warmed-up JIT and many rounds ({@link Harness}), the
 * median and minimum microseconds of the operations named in {@link #OPS}: one forward NTT of
 * one limb (the first, 60-bit prime), encoding N/2 reals at the top level, public- and
 * secret-key encryption, addition, plaintext multiplication, multiplication without
 * relinearisation, relinearisation, both together, rescaling, one rotation with its own key,
 * eight rotations (by 1..8) sharing one decomposition, conjugation, decryption plus decoding of a
 * fresh top-level ciphertext, and generation of a relinearisation key and of one Galois key. It
 * also measures the precision (mean over the slots of {@code -log2 |error|}, inputs uniform in
 * [-1, 1]) after multiply + relinearise + rescale and after one rotation, and the serialised size
 * ({@link VeilIO}, counted, not kept) of a fresh public-key ciphertext, a fresh seeded secret-key
 * ciphertext, the public key, the relinearisation key and one Galois key. Operations work at the
 * top level on fresh ciphertexts.
 *
 * <p>It prints a table as it goes, with SEAL's single-threaded figures ({@link SealReference})
 * beside Veil's for N = 2^13..2^15, and writes (and rewrites after each preset, so a long run
 * leaves its finished presets behind) a JSON report:
 *
 * <pre>{@code
 * {"presets": [{"name", "logN", "levels", "logQP", "threads",
 *               "ops": {"ntt", "encode", ..., "keygenGalois"},     median microseconds
 *               "precisionBits": {"mulRelinRescale", "rotate"},    mean bits
 *               "bytes": {"ciphertext", "ciphertextSeeded", "publicKey", "relinKey", "galoisKey"},
 *               ...extra fields}],
 *  ...extra fields}
 * }</pre>
 *
 * Keys in {@code bytes} are sized in the form {@link VeilIO} writes them by default (seeded:
 * their uniform halves as a 32-byte seed); {@code bytesFull} has them with every polynomial
 * written. Extra per-preset fields: {@code dnum}, {@code opsMin}, {@code opsRounds}, {@code
 * opsAllocatedBytes} (heap allocated by one call),
 * {@code minBits}, {@code maxError}, {@code bytesFull}, {@code switchingKeyHeapBytes},
 * {@code peakHeapBytes}, {@code peakLiveHeapBytes}, {@code seconds}; top level: {@code
 * javaVersion}, {@code vm}, {@code cpu}, {@code availableProcessors}, {@code heapMaxBytes},
 * {@code peakHeapBytes}, {@code peakLiveHeapBytes}, {@code gc}, {@code jvmArgs}, {@code
 * startedAt}, and {@code failures} when a preset failed.
 *
 * <p>Memory: a relinearisation or Galois key at N = 2^15 holds about 220 MB (20 digits x 2 x 21
 * limbs x 2^15 x 8 bytes), so the keys live only while the operations that need them are timed:
 * the relinearisation key, then the eight rotation keys (rotation 1 doubling as the key of
 * {@code rotate}), then the conjugation key; the key-generation timings keep nothing. At most
 * eight keys are alive at once (1.8 GB at N = 2^15), so N15QP881 runs in a 4 GB heap. Peak heap
 * is measured ({@link HeapMonitor}) and reported; the JVM is asked to collect between phases
 * and presets.
 */
public final class CkksBenchmark {
  private CkksBenchmark() {}

  /** The timed operations, in the order of the JSON {@code ops} object. */
  static final List<String> OPS = List.of(
      "ntt", "encode", "encryptPk", "encryptSk", "add", "mulPlain", "mul", "relin", "mulRelin",
      "rescale", "rotate", "hoisted8", "conjugate", "decryptDecode", "keygenRelin",
      "keygenGalois");

  /** The precision measurements, in the order of the JSON {@code precisionBits} object. */
  static final List<String> PRECISION = List.of("mulRelinRescale", "rotate");

  /** The serialised objects, in the order of the JSON {@code bytes} object. */
  static final List<String> BYTES = List.of(
      "ciphertext", "ciphertextSeeded", "publicKey", "relinKey", "galoisKey");

  /** Keys also sized in full form, in {@code bytesFull}. */
  static final List<String> BYTES_FULL = List.of("publicKey", "relinKey", "galoisKey");

  /** The rotations of {@code hoisted8}; rotation 1 is also the {@code rotate} operation. */
  static final int[] HOISTED = {1, 2, 3, 4, 5, 6, 7, 8};

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** A parameter set to run: a preset, or (tests) any parameters. */
  record Case(String name, Parameters params) {
    static Case of(Presets p) {
      return new Case(p.name(), p.parameters());
    }
  }

  /**
   * Runs the benchmark for each preset, prints a table to {@code out}, and writes the JSON report
   * to {@code json} when it is not null.
   *
   * @param threads worker threads of each {@link HeContext} (1 for single-threaded times)
   * @return process exit code: 0 on success, 1 if a preset failed or the report could not be
   *     written (the other presets still run and are reported)
   */
  public static int run(List<Presets> presets, int threads, Path json, PrintStream out) {
    List<Case> cases = new ArrayList<>();
    for (Presets p : presets) {
      cases.add(Case.of(p));
    }
    return run(cases, threads, json, out, Harness.Budget.standard());
  }

  /** {@link #run(List, int, Path, PrintStream)} on any parameters and with any budget. */
  static int run(
      List<Case> cases, int threads, Path json, PrintStream out, Harness.Budget budget) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    Harness harness = new Harness(budget);
    ObjectNode root = JSON.createObjectNode();
    ArrayNode presetNodes = root.putArray("presets");
    environment(root);
    printHeader(out, threads);
    int exit = 0;
    long peakUsed = 0;
    long peakLive = 0;
    ArrayNode failures = null;
    try (HeapMonitor heap = new HeapMonitor()) {
      for (Case c : cases) {
        System.gc();
        heap.reset();
        long t0 = System.nanoTime();
        try {
          Result r = new PresetRun(c, threads, harness, heap, out).run();
          r.seconds = (System.nanoTime() - t0) / 1e9;
          r.peakUsed = heap.peakUsed();
          r.peakLive = heap.peakLive();
          peakUsed = Math.max(peakUsed, r.peakUsed);
          peakLive = Math.max(peakLive, r.peakLive);
          out.printf(Locale.ROOT, "  peak heap %s (live after a collection: %s, max heap %s);"
                  + " %.1f s%n%n", mib(r.peakUsed), mib(r.peakLive), mib(HeapMonitor.maxHeap()),
              r.seconds);
          presetNodes.add(r.toJson());
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
          exit = 1;
          String what = e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage());
          out.println("  FAILED: " + c.name() + ": " + what);
          if (e instanceof OutOfMemoryError) {
            out.println("  (raise the heap, e.g. VEIL_JAVA_OPTS=-Xmx24g for N16)");
          }
          if (failures == null) {
            failures = JSON.createArrayNode();
          }
          failures.addObject().put("name", c.name()).put("error", what);
        } finally {
          out.flush();
        }
        root.put("peakHeapBytes", peakUsed);
        root.put("peakLiveHeapBytes", peakLive);
        if (failures != null) {
          root.set("failures", failures);
        }
        if (json != null) {
          try {
            writeJson(json, root);
          } catch (IOException e) {
            out.println("cannot write the report " + json + ": " + e);
            exit = 1;
          }
        }
      }
    }
    System.gc();
    if (json != null && exit == 0) {
      out.println("report written to " + json);
    }
    out.flush();
    return exit;
  }

  // ================================================================ one preset

  /** Everything measured on one preset. */
  static final class Result {
    final String name;
    final Parameters params;
    final int threads;
    final Map<String, Harness.Measurement> ops = new LinkedHashMap<>();
    final Map<String, PrecisionStats> precision = new LinkedHashMap<>();
    final Map<String, Long> bytes = new LinkedHashMap<>();
    final Map<String, Long> bytesFull = new LinkedHashMap<>();
    long switchingKeyHeapBytes;
    long peakUsed;
    long peakLive;
    double seconds;

    Result(String name, Parameters params, int threads) {
      this.name = name;
      this.params = params;
      this.threads = threads;
    }

    ObjectNode toJson() {
      ObjectNode n = JSON.createObjectNode();
      n.put("name", name);
      n.put("logN", params.logN());
      n.put("levels", params.maxLevel());
      n.put("logQP", round(params.logQP(), 2));
      n.put("threads", threads);
      ObjectNode o = n.putObject("ops");
      for (String op : OPS) {
        o.put(op, round(ops.get(op).medianMicros(), 3));
      }
      ObjectNode p = n.putObject("precisionBits");
      for (String k : PRECISION) {
        p.put(k, round(precision.get(k).meanBits(), 3));
      }
      ObjectNode b = n.putObject("bytes");
      for (String k : BYTES) {
        b.put(k, bytes.get(k));
      }
      // extras
      n.put("dnum", params.dnum());
      ObjectNode min = n.putObject("opsMin");
      ObjectNode rounds = n.putObject("opsRounds");
      ObjectNode alloc = n.putObject("opsAllocatedBytes");
      for (String op : OPS) {
        min.put(op, round(ops.get(op).minMicros(), 3));
        rounds.put(op, ops.get(op).rounds());
        alloc.put(op, ops.get(op).allocatedBytes());
      }
      ObjectNode minBits = n.putObject("minBits");
      ObjectNode maxErr = n.putObject("maxError");
      for (Map.Entry<String, PrecisionStats> e : precision.entrySet()) {
        minBits.put(e.getKey(), round(e.getValue().minBits(), 3));
        maxErr.put(e.getKey(), e.getValue().maxError());
      }
      ObjectNode bf = n.putObject("bytesFull");
      for (String k : BYTES_FULL) {
        bf.put(k, bytesFull.get(k));
      }
      n.put("switchingKeyHeapBytes", switchingKeyHeapBytes);
      n.put("peakHeapBytes", peakUsed);
      n.put("peakLiveHeapBytes", peakLive);
      n.put("seconds", round(seconds, 1));
      return n;
    }
  }

  /**
   * One preset: shared state, then phases that each hold only the keys they need. A phase is a
   * method, so its keys and evaluators are unreachable once it returns.
   */
  private static final class PresetRun {
    private final Case c;
    private final Parameters params;
    private final int threads;
    private final Harness harness;
    private final HeapMonitor heap;
    private final PrintStream out;
    private final Result result;

    // shared state, set up in run()
    private HeContext ctx;
    private Encoder encoder;
    private KeyGenerator keygen;
    private SecretKey sk;
    private Decryptor decryptor;
    private double[] x;
    private double[] y;
    private double[] xy;
    private Plaintext ptX;
    private Plaintext ptY;
    private Ciphertext ctX;
    private Ciphertext ctY;
    /** Reused output of the timed operations. */
    private Ciphertext out1;

    PresetRun(Case c, int threads, Harness harness, HeapMonitor heap, PrintStream out) {
      this.c = c;
      this.params = c.params();
      this.threads = threads;
      this.harness = harness;
      this.heap = heap;
      this.out = out;
      this.result = new Result(c.name(), params, threads);
    }

    Result run() {
      printPresetHeader();
      try (HeContext context = new HeContext(params, threads)) {
        ctx = context;
        encoder = new Encoder(ctx);
        keygen = new KeyGenerator(ctx);
        sk = keygen.secretKey();
        decryptor = new Decryptor(ctx, sk);
        SplittableRandom random = new SplittableRandom(20_240_613L ^ params.logN());
        int slots = params.slots();
        x = new double[slots];
        y = new double[slots];
        xy = new double[slots];
        for (int i = 0; i < slots; i++) {
          x[i] = random.nextDouble(-1, 1);
          y[i] = random.nextDouble(-1, 1);
          xy[i] = x[i] * y[i];
        }
        ptX = encoder.encode(x);
        ptY = encoder.encode(y);
        out1 = Ciphertext.empty(params);

        withoutKeys();
        keyGeneration();
        collect();
        relinearisation();
        collect();
        rotations();
        collect();
        conjugation();
        printSummary();
        return result;
      } finally {
        ctx = null;
        ctX = null;
        ctY = null;
        out1 = null;
      }
    }

    private void collect() {
      heap.sample();
      System.gc();
    }

    private void time(String op, Harness.Op body) {
      Harness.Measurement m = harness.measure(body);
      result.ops.put(op, m);
      heap.sample();
      double seal = SealReference.micros(params.logN(), op);
      String count = m.rounds() + (m.callsPerRound() > 1 ? " x" + m.callsPerRound() : "");
      String alloc = m.allocatedBytes() < 0 ? "?" : bytesShort(m.allocatedBytes());
      String line = String.format(Locale.ROOT, "  %-14s %14s %14s %11s %13s %12s %8s",
          op, micros(m.medianMicros()), micros(m.minMicros()), count, alloc,
          Double.isNaN(seal) ? "" : micros(seal),
          Double.isNaN(seal) ? "" : String.format(Locale.ROOT, "%.2f", m.medianMicros() / seal));
      out.println(line.stripTrailing());
      out.flush();
    }

    /** Ring and plaintext operations, encryption, decryption; sizes of the keyless objects. */
    private void withoutKeys() {
      PublicKey pk = keygen.publicKey(sk);
      Encryptor encPk = Encryptor.withPublicKey(ctx, pk);
      Encryptor encSk = Encryptor.withSecretKey(ctx, sk);
      ctX = encPk.encrypt(ptX);
      ctY = encPk.encrypt(ptY);
      Evaluator ev = new Evaluator(ctx);
      Ciphertext out2 = Ciphertext.empty(params);
      Plaintext pt = new Plaintext(params, params.maxLevel(), params.defaultScale());
      double[] re = new double[params.slots()];
      long[] row = ptX.poly()[0].clone();
      NttTable ntt = ctx.ring().ntt(0);

      time("ntt", () -> {
        ntt.forward(row);
        return row[1];
      });
      time("encode", () -> {
        encoder.encode(x, null, pt);
        return pt.poly()[0][1];
      });
      time("encryptPk", () -> {
        encPk.encrypt(ptX, out1);
        return out1.poly(0)[0][1];
      });
      time("encryptSk", () -> {
        encSk.encrypt(ptX, out1);
        return out1.poly(0)[0][1];
      });
      time("add", () -> {
        ev.add(ctX, ctY, out1);
        return out1.poly(0)[0][1];
      });
      time("mulPlain", () -> {
        ev.mulPlain(ctX, ptY, out1);
        return out1.poly(0)[0][1];
      });
      time("mul", () -> {
        ev.mul(ctX, ctY, out2);
        return out2.poly(2)[0][1];
      });
      time("decryptDecode", () -> {
        decryptor.decrypt(ctX, pt);
        encoder.decode(pt, re, null);
        return Double.doubleToRawLongBits(re[1]);
      });

      result.bytes.put("ciphertext", size(s -> VeilIO.write(s, ctX, VeilIO.Form.FULL),
          VeilIO.serializedSize(ctX, VeilIO.Form.FULL)));
      Ciphertext seeded = encSk.encrypt(ptX);
      result.bytes.put("ciphertextSeeded", size(s -> VeilIO.write(s, seeded, VeilIO.Form.SEEDED),
          VeilIO.serializedSize(seeded, VeilIO.Form.SEEDED)));
      result.bytes.put("publicKey", size(s -> VeilIO.write(s, pk),
          VeilIO.serializedSize(pk)));
      result.bytesFull.put("publicKey", size(s -> VeilIO.write(s, pk, VeilIO.Form.FULL),
          VeilIO.serializedSize(pk, VeilIO.Form.FULL)));
    }

    /** Key generation, keeping nothing. */
    private void keyGeneration() {
      long g1 = Evaluator.galoisElement(params, 1);
      time("keygenRelin", () -> keygen.relinearizationKey(sk).b(0)[0][1]);
      time("keygenGalois", () -> keygen.galoisKey(sk, g1).b(0)[0][1]);
    }

    /** With the relinearisation key only. */
    private void relinearisation() {
      SwitchingKey rlk = keygen.relinearizationKey(sk);
      result.switchingKeyHeapBytes = rlk.memoryBytes();
      Evaluator ev = new Evaluator(ctx, new EvaluationKeys(params, rlk, null));
      Ciphertext product = ev.mulNew(ctX, ctY);
      time("relin", () -> {
        ev.relinearize(product, out1);
        return out1.poly(0)[0][1];
      });
      time("mulRelin", () -> {
        ev.mulRelin(ctX, ctY, out1);
        return out1.poly(0)[0][1];
      });
      Ciphertext relinearised = ev.mulRelinNew(ctX, ctY);
      time("rescale", () -> {
        ev.rescale(relinearised, out1);
        return out1.poly(0)[0][1];
      });
      precision("mulRelinRescale", xy, ev.rescaleNew(relinearised));
      result.bytes.put("relinKey", size(s -> VeilIO.write(s, rlk), VeilIO.serializedSize(rlk)));
      result.bytesFull.put("relinKey", size(s -> VeilIO.write(s, rlk, VeilIO.Form.FULL),
          VeilIO.serializedSize(rlk, VeilIO.Form.FULL)));
    }

    /** With the Galois keys of rotations 1..8. */
    private void rotations() {
      List<SwitchingKey> keys = keygen.galoisKeys(sk, Evaluator.galoisElements(params, HOISTED));
      Evaluator ev = new Evaluator(ctx, new EvaluationKeys(params, null, keys));
      time("rotate", () -> {
        ev.rotate(ctX, 1, out1);
        return out1.poly(0)[0][1];
      });
      time("hoisted8", () -> {
        Ciphertext[] r = ev.rotateHoisted(ctX, HOISTED);
        return r[r.length - 1].poly(0)[0][1];
      });
      precision("rotate", rotated(x, 1), ev.rotateNew(ctX, 1));
      // correctness of the hoisted rotations: the worst of the eight
      Ciphertext[] hoisted = ev.rotateHoisted(ctX, HOISTED);
      PrecisionStats worst = null;
      for (int k = 0; k < HOISTED.length; k++) {
        PrecisionStats s = stats(rotated(x, HOISTED[k]), hoisted[k]);
        if (worst == null || s.minBits() < worst.minBits()) {
          worst = s;
        }
      }
      record("hoisted8", worst);
      SwitchingKey g1 = ev.keys().galoisKey(Evaluator.galoisElement(params, 1), "rotation by 1");
      result.bytes.put("galoisKey", size(s -> VeilIO.write(s, g1), VeilIO.serializedSize(g1)));
      result.bytesFull.put("galoisKey", size(s -> VeilIO.write(s, g1, VeilIO.Form.FULL),
          VeilIO.serializedSize(g1, VeilIO.Form.FULL)));
    }

    /** With the conjugation key only. */
    private void conjugation() {
      SwitchingKey key = keygen.galoisKey(sk, Evaluator.conjugationElement(params));
      Evaluator ev = new Evaluator(ctx, new EvaluationKeys(params, null, List.of(key)));
      time("conjugate", () -> {
        ev.conjugate(ctX, out1);
        return out1.poly(0)[0][1];
      });
    }

    private static double[] rotated(double[] v, int k) {
      double[] r = new double[v.length];
      for (int i = 0; i < v.length; i++) {
        r[i] = v[Math.floorMod(i + k, v.length)];
      }
      return r;
    }

    private PrecisionStats stats(double[] expected, Ciphertext ct) {
      return PrecisionStats.of(expected, encoder.decode(decryptor.decrypt(ct)));
    }

    private void precision(String what, double[] expected, Ciphertext ct) {
      record(what, stats(expected, ct));
    }

    private void record(String what, PrecisionStats s) {
      result.precision.put(what, s);
      double seal = SealReference.maxError(params.logN(), what);
      out.printf(Locale.ROOT, "  precision %-16s mean %6.2f bits, min %6.2f, max error %.2e%s%n",
          what, s.meanBits(), s.minBits(), s.maxError(),
          Double.isNaN(seal) ? "" : String.format(Locale.ROOT, "   (SEAL max error %.1e)", seal));
      if (s.meanBits() < 10) {
        out.printf("  WARNING: %s keeps only %.1f bits: the engine is wrong here%n",
            what, s.meanBits());
      }
      out.flush();
    }

    /**
     * Bytes written by {@code w} to a counting stream; warns when they differ from what {@link
     * VeilIO} predicts.
     */
    private long size(VeilIO.ObjectWriter w, long predicted) {
      CountingOutputStream counter = new CountingOutputStream();
      try {
        w.writeTo(counter);
      } catch (IOException e) {
        throw new IllegalStateException("serialisation to memory failed", e);
      }
      if (counter.count() != predicted) {
        out.printf("  WARNING: VeilIO wrote %d bytes, its serializedSize says %d%n",
            counter.count(), predicted);
      }
      return counter.count();
    }

    private void printPresetHeader() {
      Parameters p = params;
      out.printf(Locale.ROOT,
          "== %s: N = 2^%d, %d levels, log2(QP) = %.1f, scale 2^%.0f, dnum %d, %d thread%s%s ==%n",
          c.name(), p.logN(), p.maxLevel(), p.logQP(), p.logDefaultScale(), p.dnum(), threads,
          threads == 1 ? "" : "s", p.securityOff() ? ", SECURITY OFF" : "");
      long keyBytes = 2L * p.dnum() * (p.qCount() + p.pCount()) * p.n() * 8;
      if (HeapMonitor.maxHeap() < 10 * keyBytes) {
        out.printf("  warning: one switching key takes %s and this run keeps up to 8; the heap"
            + " is %s%n", mib(keyBytes), mib(HeapMonitor.maxHeap()));
      }
      boolean seal = !Double.isNaN(SealReference.micros(p.logN(), "ntt"));
      out.printf("  %-14s %14s %14s %11s %13s%s%n", "operation", "median us", "min us", "rounds",
          "alloc/call", seal ? String.format("%13s %8s", "SEAL us", "x SEAL") : "");
      out.flush();
    }

    private void printSummary() {
      int logN = params.logN();
      for (String k : BYTES) {
        long seal = SealReference.bytes(logN, k);
        Long full = result.bytesFull.get(k);
        String form = full == null ? "" : full > result.bytes.get(k) ? " (seeded)" : " (full)";
        out.printf(Locale.ROOT, "  bytes %-24s %,15d%s%n", k + form, result.bytes.get(k),
            seal < 0 ? "" : String.format(Locale.ROOT, "   SEAL %,d", seal));
      }
      for (String k : BYTES_FULL) {
        long seal = SealReference.bytes(logN, k + "Full");
        out.printf(Locale.ROOT, "  bytes %-24s %,15d%s%n", k + " (full)", result.bytesFull.get(k),
            seal < 0 ? "" : String.format(Locale.ROOT, "   SEAL %,d", seal));
      }
      out.printf(Locale.ROOT, "  one switching key in memory: %s%n",
          mib(result.switchingKeyHeapBytes));
      out.flush();
    }
  }

  // ================================================================ report and formatting

  /**
   * The JVM and machine fields of a report: {@code javaVersion}, {@code vm}, {@code cpu}, {@code
   * availableProcessors}, {@code heapMaxBytes}, {@code gc}, {@code jvmArgs}, {@code startedAt}.
   */
  static void environment(ObjectNode root) {
    root.put("javaVersion", System.getProperty("java.version"));
    root.put("vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
    root.put("cpu", cpuName());
    root.put("availableProcessors", Runtime.getRuntime().availableProcessors());
    root.put("heapMaxBytes", HeapMonitor.maxHeap());
    ArrayNode gc = root.putArray("gc");
    for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      gc.add(b.getName());
    }
    ArrayNode args = root.putArray("jvmArgs");
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      args.add(a);
    }
    root.put("startedAt", Instant.now().toString());
  }

  private static void printHeader(PrintStream out, int threads) {
    out.printf(Locale.ROOT, "Veil CKKS benchmark: Java %s (%s), %s, %d processors, max heap %s,"
            + " %d thread%s%n",
        System.getProperty("java.version"), System.getProperty("java.vm.name"), cpuName(),
        Runtime.getRuntime().availableProcessors(), mib(HeapMonitor.maxHeap()), threads,
        threads == 1 ? "" : "s");
    out.println("JVM options: " + ManagementFactory.getRuntimeMXBean().getInputArguments());
    out.println("Times per call in microseconds: median and fastest over the rounds, after a"
        + " warm-up; SEAL 4.4.3 single-threaded medians on this machine kind (ANCHORS.md).");
    out.println();
    out.flush();
  }

  /** The processor's model name from /proc/cpuinfo, else the architecture. */
  static String cpuName() {
    Path info = Path.of("/proc/cpuinfo");
    if (Files.isReadable(info)) {
      try (Stream<String> lines = Files.lines(info)) {
        String name = lines.filter(l -> l.startsWith("model name"))
            .map(l -> l.substring(l.indexOf(':') + 1).strip())
            .findFirst().orElse(null);
        if (name != null && !name.isEmpty()) {
          return name;
        }
      } catch (IOException | RuntimeException e) {
        // fall through
      }
    }
    return System.getProperty("os.arch");
  }

  /** Writes the report next to its final place, then moves it there. */
  private static void writeJson(Path json, ObjectNode root) throws IOException {
    Path target = json.toAbsolutePath();
    Path dir = target.getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, target.getFileName() + ".", ".tmp");
    try {
      JSON.writeValue(tmp.toFile(), root);
      try {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  static double round(double v, int decimals) {
    double f = Math.pow(10, decimals);
    return Math.round(v * f) / f;
  }

  private static String micros(double us) {
    if (us >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", us);
    }
    return String.format(Locale.ROOT, "%.1f", us);
  }

  /** Bytes as B, KiB or MiB, for the allocation column. */
  private static String bytesShort(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    return mib(bytes);
  }

  private static String mib(long bytes) {
    double m = bytes / 1048576.0;
    return String.format(Locale.ROOT, m < 100 ? "%.1f MiB" : "%,.0f MiB", m);
  }
}
