package dev.veil.cli.local;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

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
          + "and the column names. The decryption is exact: it stays with the key holder (share "
          + "the weights, never a raw decryption of other ciphertexts).",
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

  @Mixin StandardCommand standard;

  @Override
  public Integer call() throws Exception {
    if ((model == null) == (predictions == null)) {
      throw new ParameterException(spec.commandLine(), "give exactly one of --model DIR (an"
          + " encrypted model) and --predictions DIR (encrypted predictions)");
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
    ModelFile m = Models.decrypt(keys, model, out);
    if (m.classWeights() != null) {
      ctx.out().printf(Locale.ROOT, "decrypted %s into %s: %d classes %s, one weight vector"
          + " each%n", model, out, m.classWeights().length, m.label().classes());
    } else {
      ctx.out().printf(Locale.ROOT, "decrypted %s into %s: intercept %.6f, weights %s%n", model,
          out, m.weights()[0], Arrays.toString(Arrays.copyOfRange(m.weights(), 1,
              m.weights().length)));
    }
    ctx.out().flush();
    return CliErrors.OK;
  }
}
