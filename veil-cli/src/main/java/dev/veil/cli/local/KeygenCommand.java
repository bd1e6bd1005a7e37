package dev.veil.cli.local;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.veil.api.KeysInfo;
import dev.veil.he.io.DecryptionBudget;
import dev.veil.he.rlwe.FloodingPolicy;
import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.CliErrors;
import dev.veil.cli.core.Opts;
import dev.veil.cli.core.StandardCommand;
import dev.veil.cli.output.Bars;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code veil keygen}: plans the training run (or the inference) and writes the key directory. */
@Command(
    name = "keygen",
    sortOptions = false,
    description = {
      "Generate the keys for an encrypted training run, or for encrypted inference (--model "
          + "inference). The run is planned first (128-bit-secure parameters, exactly the "
          + "rotations the model needs), then DIR receives secret.key (keep it), public.key and "
          + "evaluation.keys (give them away), params.bin, plan.json and decryptions.json (the "
          + "key's budget of shared decryptions, see veil decrypt --for-sharing; it travels "
          + "with the key: copying the directory resets nothing)."
    })
public final class KeygenCommand implements Callable<Integer> {
  static final int DEFAULT_ITERATIONS = 3;
  static final int DEFAULT_DEGREE = 3;

  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "The key directory to create (must not exist or be empty).")
  Path out;

  @Option(names = "--model", defaultValue = "logistic", paramLabel = "KIND",
      converter = ModelKind.Converter.class,
      description = "What the keys are for: logistic (default), linear, ovr (multiclass "
          + "one-vs-rest) or inference (encrypted rows x a plaintext model).")
  ModelKind model;

  @Option(names = "--rows", paramLabel = "N",
      description = "Most rows of the training data (training models; not for inference).")
  Integer rows;

  @Option(names = "--features", required = true, paramLabel = "D",
      description = "Most feature columns of the training data, or of the model's input.")
  int features;

  @Option(names = "--iterations", paramLabel = "T",
      description = "Training iterations to plan for (default: " + DEFAULT_ITERATIONS + ").")
  Integer iterations;

  @Option(names = "--degree", paramLabel = "K",
      description = "Degree of the sigmoid approximation: 3, 5 or 7 (default: " + DEFAULT_DEGREE
          + "; logistic, ovr, and inference with probabilities).")
  Integer degree;

  @Option(names = "--output", paramLabel = "KIND", converter = Inference.Output.Converter.class,
      description = "Inference only: what the model holder computes, probabilities (default; "
          + "logistic and ovr models) or scores (needed for linear models).")
  Inference.Output output;

  @Option(names = "--scale-bits", paramLabel = "BITS",
      description = "Training kinds: bits of the CKKS scale and primes (default: "
          + Keys.DEFAULT_SCALE_BITS + "). A model you will share (veil decrypt --for-sharing) "
          + "needs 50 or more: the flooding costs about 20 bits of it.")
  Integer scaleBits;

  @Option(names = "--shared-decryptions", paramLabel = "TAU",
      defaultValue = "" + Keys.DEFAULT_SHARED_DECRYPTIONS,
      description = "Decryptions that may ever leave the key holder (veil decrypt "
          + "--for-sharing, one per model ciphertext); the flooding of each is sized for this "
          + "many (default: ${DEFAULT-VALUE}; 4 times as many cost one bit of precision).")
  long sharedDecryptions;

  @Option(names = "--flooding-security", paramLabel = "S",
      defaultValue = "" + FloodingPolicy.DEFAULT_SECURITY_BITS,
      description = "Statistical security of that flooding, in bits, at least "
          + FloodingPolicy.MIN_SECURITY_BITS + " (default: ${DEFAULT-VALUE}; each 2 more bits "
          + "cost one bit of precision).")
  int floodingSecurity;

  @Mixin StandardCommand standard;

  @Override
  public Integer call() throws Exception {
    Opts.atLeast(spec, "--features", features, 1);
    Opts.atLeast(spec, "--shared-decryptions", sharedDecryptions, 1);
    Opts.atLeast(spec, "--flooding-security", floodingSecurity, FloodingPolicy.MIN_SECURITY_BITS);
    if (model == ModelKind.INFERENCE) {
      refuse(rows != null, "--rows", "any number of rows can be encrypted for inference");
      refuse(iterations != null, "--iterations", "inference trains nothing");
      refuse(scaleBits != null, "--scale-bits", "inference plans its own scales");
      Inference.Output o = output == null ? Inference.Output.PROBABILITIES : output;
      refuse(degree != null && o == Inference.Output.SCORES, "--degree",
          "scores need no sigmoid");
      return generate(0, 0, degree == null ? (o == Inference.Output.SCORES ? 0
          : DEFAULT_DEGREE) : degree, o);
    }
    if (rows == null) {
      throw new ParameterException(spec.commandLine(), "Missing required option: '--rows=N'"
          + " (training keys are planned for the rows)");
    }
    refuse(output != null, "--output", "it applies to --model inference only");
    refuse(degree != null && model == ModelKind.LINEAR, "--degree",
        "linear regression has no sigmoid");
    Opts.atLeast(spec, "--rows", rows, 1);
    int it = iterations == null ? DEFAULT_ITERATIONS : iterations;
    Opts.atLeast(spec, "--iterations", it, 1);
    return generate(rows, it, degree == null ? DEFAULT_DEGREE : degree, null);
  }

  private void refuse(boolean given, String option, String why) {
    if (given) {
      throw new ParameterException(spec.commandLine(), "Option '" + option + "' does not apply"
          + " to --model " + model.id() + ": " + why);
    }
  }

  private int generate(int n, int it, int deg, Inference.Output o) throws Exception {
    CliContext ctx = CliContext.of(spec);
    long t0 = System.nanoTime();
    Keys.Sharing sharing = new Keys.Sharing(floodingSecurity, sharedDecryptions);
    int bits = scaleBits == null ? Keys.DEFAULT_SCALE_BITS : scaleBits;
    if (bits < 20 || bits > 59) {
      throw new ParameterException(spec.commandLine(), "--scale-bits must be in [20, 59], got "
          + bits);
    }
    KeysInfo info = Keys.keygen(out, model, n, features, it, deg, o, sharing, bits,
        Bars.of(ctx));
    PrintStream p = ctx.out();
    String what = switch (model) {
      case LOGISTIC, OVR -> String.format(Locale.ROOT, "%s%d rows x %d features, %d"
          + " iterations (sigmoid degree %d)", model == ModelKind.OVR ? "one-vs-rest on " : "",
          n, features, it, deg);
      case LINEAR -> String.format(Locale.ROOT, "linear regression on %d rows x %d features, %d"
          + " iterations", n, features, it);
      case INFERENCE -> String.format(Locale.ROOT, "inference (%s%s) on up to %d features, %d"
          + " rows per batch", o.id(), o == Inference.Output.PROBABILITIES ? ", sigmoid degree "
          + deg : "", features, 1 << (info.logN() - 1));
    };
    p.printf(Locale.ROOT, "keys for %s: N = 2^%d, %d levels, %d rotations, in %.1f s%n", what,
        info.logN(), info.levels(), info.rotations().length, Opts.seconds(t0));
    p.printf("%s/%s stays with you; share %s and %s%n", out, Workflow.SECRET_KEY,
        Workflow.PUBLIC_KEY, Workflow.EVALUATION_KEYS);
    p.printf(Locale.ROOT, "decryption budget: %d shared decryptions, flooded at s = %d bits (%s)%n",
        sharing.decryptions(), sharing.securityBits(), DecryptionBudget.FILE);
    p.flush();
    return CliErrors.OK;
  }
}
