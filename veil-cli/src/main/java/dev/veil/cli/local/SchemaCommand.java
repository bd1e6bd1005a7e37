package dev.veil.cli.local;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.veil.api.SchemaFile;
import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.CliErrors;
import dev.veil.cli.core.StandardCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code veil schema}: a model's public input schema, without the weights. */
@Command(
    name = "schema",
    sortOptions = false,
    description = {
      "Write a model's public input schema: its kind, feature names (in order), scaler and label "
          + "encoding, without the weights. Give it to a row owner, who encrypts rows for the "
          + "model with veil encrypt --schema and never needs the weights."
    })
public final class SchemaCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "FILE",
      description = "The plain model from veil decrypt.")
  Path model;

  @Option(names = "--out", required = true, paramLabel = "FILE",
      description = "The schema file to write (JSON).")
  Path out;

  @Mixin StandardCommand standard;

  @Override
  public Integer call() throws Exception {
    CliContext ctx = CliContext.of(spec);
    SchemaFile s = Inference.schema(model, out);
    ctx.out().printf(Locale.ROOT, "schema of the %s model in %s (%d features %s, scaler %s)"
        + " written to %s%n", s.model(), model, s.featureNames().size(), s.featureNames(),
        s.scaler().kind(), out);
    ctx.out().flush();
    return CliErrors.OK;
  }
}
