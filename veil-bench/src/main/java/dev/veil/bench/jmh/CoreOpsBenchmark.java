package dev.veil.bench.jmh;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.ckks.Presets;
import dev.veil.he.ring.NttTable;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.SecretKey;

/**
 * JMH benchmarks of the core CKKS operations (one-limb forward NTT, multiply + relinearise,
 * rotation, rescale) on the N13 and N14 presets, as a cross-check of the {@code veil bench ckks}
 * harness ({@link dev.veil.bench.CkksBenchmark}), which stays the reference. Times are averages
 * in microseconds per call; operands are fresh top-level public-key encryptions.
 *
 * <p>Run from the repository root:
 *
 * <pre>
 * mvn -q -DskipTests package
 * java -cp "veil-bench/target/classes:veil-bench/target/lib/*" org.openjdk.jmh.Main CoreOpsBenchmark
 * </pre>
 *
 * (the {@code package} phase copies veil-bench's runtime class path, JMH included, into {@code
 * veil-bench/target/lib}). Usual JMH options apply, e.g. {@code -p preset=N14QP401} for one preset,
 * {@code -p threads=2}, {@code -f 1 -wi 3 -i 5} for a shorter run, {@code -rf json -rff
 * jmh.json} for a JSON report, {@code -prof gc} for allocation rates.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "-XX:+UseParallelGC", "-XX:+AlwaysPreTouch"})
public class CoreOpsBenchmark {
  /** Preset name, as {@link Presets#byName} takes it. */
  @Param({"N13QP201", "N14QP401"})
  public String preset;

  /** Worker threads of the context. */
  @Param({"1"})
  public int threads;

  private HeContext ctx;
  private Evaluator evaluator;
  private NttTable ntt;
  private long[] row;
  private Ciphertext a;
  private Ciphertext b;
  private Ciphertext product;
  private Ciphertext out;

  @Setup(Level.Trial)
  public void setUp() {
    Parameters params = Presets.byName(preset).parameters();
    ctx = new HeContext(params, threads);
    KeyGenerator keygen = new KeyGenerator(ctx);
    SecretKey sk = keygen.secretKey();
    EvaluationKeys keys = new EvaluationKeys(params, keygen.relinearizationKey(sk),
        List.of(keygen.galoisKey(sk, Evaluator.galoisElement(params, 1))));
    evaluator = new Evaluator(ctx, keys);
    Encoder encoder = new Encoder(ctx);
    Encryptor encryptor = Encryptor.withPublicKey(ctx, keygen.publicKey(sk));
    SplittableRandom random = new SplittableRandom(7);
    double[] x = new double[params.slots()];
    double[] y = new double[params.slots()];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextDouble(-1, 1);
      y[i] = random.nextDouble(-1, 1);
    }
    a = encryptor.encrypt(encoder.encode(x));
    b = encryptor.encrypt(encoder.encode(y));
    product = evaluator.mulRelinNew(a, b);
    out = Ciphertext.empty(params);
    ntt = ctx.ring().ntt(0);
    row = a.poly(0)[0].clone();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    ctx.close();
  }

  /** One forward NTT of one limb (the 60-bit first prime), in place. */
  @Benchmark
  public long ntt() {
    ntt.forward(row);
    return row[1];
  }

  /** Multiply and relinearise two top-level ciphertexts. */
  @Benchmark
  public Ciphertext mulRelin() {
    evaluator.mulRelin(a, b, out);
    return out;
  }

  /** Rotate a top-level ciphertext by one slot with its own Galois key. */
  @Benchmark
  public Ciphertext rotate() {
    evaluator.rotate(a, 1, out);
    return out;
  }

  /** Rescale a top-level relinearised product by its last prime. */
  @Benchmark
  public Ciphertext rescale() {
    evaluator.rescale(product, out);
    return out;
  }
}
