package dev.veil.cli.local;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.veil.api.DecryptionInfo;
import dev.veil.api.ModelFile;
import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.CliErrors;
import dev.veil.cli.core.StandardCommand;
import dev.veil.cli.output.Bars;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code veil decrypt}: the key holder decrypts an encrypted model into a plain model file. */
@Command(
    name = "decrypt",
    sortOptions = false,
    description = {
      "Decrypt an encrypted model with the secret key into model.json: the weights, the scaler "
          + "and the column names. By default the decryption is exact, for your eyes only: an "
          + "exact decryption published lets whoever computed the ciphertext recover the secret "
          + "key (Li-Micciancio), so veil model publish refuses it.",
      "With --for-sharing: a decryption that may leave you (a model to publish or hand over): "
          + "flooding noise sized for the training circuit and the key's budget of shared "
          + "decryptions (decryptions.json, charged one per model ciphertext before anything is "
          + "written), the precision it leaves printed and recorded in model.json.",
      "With --predictions: decrypt encrypted predictions from veil predict --data (keys made "
          + "with --model inference) into a predictions CSV."
    })
public final class DecryptCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--keys", required = true, paramLabel = "DIR",
      description = "The key directory holding secret.key.")
  Path keys;

  @Option(names = "--model", paramLabel = "DIR",
      description = "The encrypted model from veil train.")
  Path model;

  @Option(names = "--predictions", paramLabel = "DIR",
      description = "Encrypted predictions from veil predict --data (instead of --model).")
  Path predictions;

  @Option(names = "--out", required = true, paramLabel = "FILE",
      description = "The plain model file (JSON), or the predictions CSV, to write.")
  Path out;

  @Option(names = "--for-sharing",
      description = "Flood the decryption so that the model may be shared (see above).")
  boolean forSharing;

  @Option(names = "--min-precision", paramLabel = "BITS",
      description = "With --for-sharing: refuse (nothing charged) if the flooding would leave "
          + "fewer bits of precision in the weights (default: " + MIN_PRECISION_BITS + ").")
  Double minPrecision;

  /** The default floor of --for-sharing: weights good to about 1/256 of their scale. */
  static final double MIN_PRECISION_BITS = 8;

  @Mixin StandardCommand standard;

  @Override
  public Integer call() throws Exception {
    if ((model == null) == (predictions == null)) {
      throw new ParameterException(spec.commandLine(), "give exactly one of --model DIR (an"
          + " encrypted model) and --predictions DIR (encrypted predictions)");
    }
    if (minPrecision != null && !forSharing) {
      throw new ParameterException(spec.commandLine(), "--min-precision applies to"
          + " --for-sharing only");
    }
    if (forSharing && predictions != null) {
      throw new ParameterException(spec.commandLine(), "--for-sharing applies to --model: the"
          + " predictions were flooded by the model holder already and are yours");
    }
    CliContext ctx = CliContext.of(spec);
    if (predictions != null) {
      Scoring.Outputs o = Inference.decryptPredictions(keys, predictions, out,
          Bars.of(ctx));
      ctx.out().printf(Locale.ROOT, "decrypted %d predictions (%s) from %s into %s%n",
          o.values().length, o.kind().id(), predictions, out);
      ctx.out().flush();
      return CliErrors.OK;
    }
    ModelFile m = Models.decrypt(keys, model, out,
        forSharing ? (minPrecision == null ? MIN_PRECISION_BITS : minPrecision) : null);
    if (m.classWeights() != null) {
      ctx.out().printf(Locale.ROOT, "decrypted %s into %s: %d classes %s, one weight vector"
          + " each%n", model, out, m.classWeights().length, m.label().classes());
    } else {
      ctx.out().printf(Locale.ROOT, "decrypted %s into %s: intercept %.6f, weights %s%n", model,
          out, m.weights()[0], Arrays.toString(Arrays.copyOfRange(m.weights(), 1,
              m.weights().length)));
    }
    DecryptionInfo d = m.decryption();
    if (d.flooded()) {
      ctx.out().printf(Locale.ROOT, "flooded for sharing: %.1f bits of precision left in every"
          + " weight (sigma 2^%.1f, s = %d bits, sized for %d shared decryptions; %d left)%n",
          d.precisionBits(), d.log2Sigma(), d.securityBits(), d.sharedDecryptions(),
          Models.openBudget(keys).remaining());
    } else {
      ctx.err().println("exact decryption: for your eyes only (veil model publish refuses it);"
          + " to share the model, decrypt it with --for-sharing");
      ctx.err().flush();
    }
    ctx.out().flush();
    return CliErrors.OK;
  }
}
