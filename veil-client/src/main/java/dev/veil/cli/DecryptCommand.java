package dev.veil.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.veil.cli.Meta.ModelFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code veil decrypt}: the key holder decrypts an encrypted model into a plain model file. */
@Command(
    name = "decrypt",
    mixinStandardHelpOptions = true,
    versionProvider = VeilVersion.class,
    sortOptions = false,
    description = {
      "Decrypt an encrypted model with the secret key into model.json: the weights, the scaler "
          + "and the column names. The decryption is exact: it stays with the key holder (share "
          + "the weights, never a raw decryption of other ciphertexts)."
    },
    exitCodeListHeading = CliErrors.EXIT_CODES_HEADING,
    exitCodeList = {CliErrors.EXIT_OK, CliErrors.EXIT_FAILURE, CliErrors.EXIT_BAD_INPUT})
final class DecryptCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--keys", required = true, paramLabel = "DIR",
      description = "The key directory holding secret.key.")
  Path keys;

  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "The encrypted model from veil train.")
  Path model;

  @Option(names = "--out", required = true, paramLabel = "FILE",
      description = "The plain model file to write (JSON).")
  Path out;

  @Override
  public Integer call() throws Exception {
    CliContext ctx = VeilCli.context(spec);
    ModelFile m = Workflow.decrypt(keys, model, out);
    ctx.out().printf(Locale.ROOT, "decrypted %s into %s: intercept %.6f, weights %s%n", model,
        out, m.weights()[0], Arrays.toString(Arrays.copyOfRange(m.weights(), 1,
            m.weights().length)));
    ctx.out().flush();
    return CliErrors.OK;
  }
}
