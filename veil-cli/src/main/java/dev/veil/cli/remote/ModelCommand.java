package dev.veil.cli.remote;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.veil.api.InputSchema;
import dev.veil.api.Model;
import dev.veil.api.ModelFile;
import dev.veil.api.PublishModelRequest;
import dev.veil.api.SchemaFile;
import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.CliErrors;
import dev.veil.cli.core.Opts;
import dev.veil.cli.core.VeilVersion;
import dev.veil.cli.local.Inference;
import dev.veil.cli.local.ModelImportCommand;
import dev.veil.cli.local.Models;
import dev.veil.cli.local.Store;
import dev.veil.cli.output.JsonOutput;
import dev.veil.client.VeilClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code veil model}: published models on the server. */
@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    versionProvider = VeilVersion.class,
    description = "Models on the server: publish (sellers), list, show; and import (an ONNX"
        + " network into a Veil network file, on this machine).",
    subcommands = {ModelCommand.Publish.class, ModelCommand.ListModels.class,
        ModelCommand.Show.class, ModelImportCommand.class})
public final class ModelCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw CliErrors.missingSubcommand(spec);
  }

  /** {@code veil model publish}. */
  @Command(
      name = "publish",
      sortOptions = false,
      description = {
        "Publish a model (model.json from veil decrypt --for-sharing: logistic or linear; an "
            + "exact decryption is refused) for encrypted inference, with its price and "
            + "per-buyer budget. Prints the model's id.",
        "By default only its model card (task, feature names, scaler, label) goes to the "
            + "server: the weights stay on your machine and your worker serves the listing "
            + "(veil worker --model ID=model.json). With --hosted the weights go to the server, "
            + "which seals them and runs the listing on its own workers: the platform operator "
            + "can read them."
      })
  static final class Publish implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE",
        description = "The plain model file from veil decrypt --for-sharing.")
    Path model;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "A label.")
    String name;

    @Option(names = "--description", paramLabel = "TEXT", description = "What it predicts.")
    String description;

    @Option(names = "--price", required = true, paramLabel = "AMOUNT",
        description = "Price per row scored, in minor units.")
    long price;

    @Option(names = "--max-queries", required = true, paramLabel = "Q",
        description = "Inference jobs each buyer may run.")
    long maxQueries;

    @Option(names = "--max-rows", required = true, paramLabel = "R",
        description = "Rows each buyer may have scored in all.")
    long maxRows;

    @Option(names = "--max-rows-total", paramLabel = "T",
        description = "Rows all buyers together may have scored (default: --max-rows); sizes "
            + "the noise that protects the weights in every result (a larger total, less "
            + "precision). Fixed for this listing: raising a budget later publishes a new "
            + "version.")
    Long maxRowsTotal;

    @Option(names = "--unlisted", description = "Publish without listing it (default: listed).")
    boolean unlisted;

    @Option(names = "--hosted",
        description = "Send the weights to the server, which runs the listing on its own workers"
            + " (the platform operator can read the weights). Default: only the model card is"
            + " published and your veil worker serves it.")
    boolean hosted;

    @Mixin Remote.Options remote;

    @Mixin RemoteCommand standard;

    @Override
    public Integer call() throws Exception {
      Opts.atLeast(spec, "--price", price, 0);
      Opts.atLeast(spec, "--max-queries", maxQueries, 1);
      Opts.atLeast(spec, "--max-rows", maxRows, 1);
      if (maxRowsTotal != null) {
        Opts.atLeast(spec, "--max-rows-total", maxRowsTotal, maxRows);
      }
      CliContext ctx = CliContext.of(spec);
      Store.requireFile(model);
      JsonNode file;
      try (InputStream in = Files.newInputStream(model)) {
        file = Store.JSON.readTree(in);
      } catch (JacksonException e) {
        throw Store.bad(model + ": not valid JSON (" + e.getOriginalMessage() + ")");
      }
      if (file == null || !ModelFile.FORMAT.equals(file.path("format").asText())) {
        throw Store.bad(model + ": not a model file of veil decrypt (format '"
            + ModelFile.FORMAT + "')");
      }
      Models.requireSharable(file, model);
      VeilClient client = Remote.client(ctx, remote);
      Model m = client.publishModel(new PublishModelRequest(name, description, price,
          maxQueries, maxRows, !unlisted, hosted ? file : PublishModelRequest.card(file),
          maxRowsTotal, hosted ? Boolean.TRUE : null));
      ctx.out().printf("published model %s: %s on %d features, price %d per row, %d queries and"
              + " %d rows per buyer, %s, %s%n", m.id(), m.task(), m.features(),
          m.pricePerPrediction(), m.maxQueriesPerBuyer(), m.maxRowsPerBuyer(),
          m.listed() ? "listed" : "not listed", m.hosted()
              ? "hosted (the server holds the weights)"
              : "served by your worker (run veil worker --model " + m.id() + "=" + model + ")");
      ctx.out().flush();
      return CliErrors.OK;
    }
  }

  /** {@code veil model list}. */
  @Command(
      name = "list",
      description = "List the listed models and yours.")
  static final class ListModels implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--mine", description = "Only yours.")
    boolean mine;

    @Mixin Remote.Options remote;

    @Mixin JsonOutput json;

    @Mixin RemoteCommand standard;

    @Override
    public Integer call() throws Exception {
      CliContext ctx = CliContext.of(spec);
      return Remote.printList(ctx, json, Remote.client(ctx, remote).listModels(mine, Integer.MAX_VALUE),
          "no models",
          new String[] {"ID", "NAME", "TASK", "FEATURES", "PRICE/ROW", "LISTED"},
          m -> new String[] {m.id(), m.name(), m.task(),
              "" + m.features(), "" + m.pricePerPrediction(), m.listed() ? "yes" : "no"});
    }
  }

  /** {@code veil model show}. */
  @Command(
      name = "show",
      sortOptions = false,
      description = {
        "Show a model's listing, input schema and your use of its budget. With --schema, also "
            + "write its input schema for veil encrypt --schema."
      })
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "The model (mdl_...).")
    String id;

    @Option(names = "--schema", paramLabel = "FILE",
        description = "Write the model's input schema (veil-schema/1: feature names, scaler, "
            + "label) here, for veil encrypt --schema.")
    Path schema;

    @Mixin Remote.Options remote;

    @Mixin JsonOutput json;

    @Mixin RemoteCommand standard;

    @Override
    public Integer call() throws Exception {
      CliContext ctx = CliContext.of(spec);
      Path target = schema == null ? null : Store.outputFile(schema);
      Model m = Remote.client(ctx, remote).getModel(id);
      InputSchema s = m.inputSchema();
      if (json.enabled()) {
        if (target != null) {
          writeSchema(m, target);
        }
        json.print(ctx, m);
        return CliErrors.OK;
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"id", m.id()});
      rows.add(new String[] {"name", m.name()});
      rows.add(new String[] {"description", m.description() == null ? "" : m.description()});
      rows.add(new String[] {"task", m.task()});
      rows.add(new String[] {"features", s == null ? "" + m.features()
          : String.valueOf(s.featureNames())});
      if (s != null && s.scaler() != null) {
        rows.add(new String[] {"scaler", s.scaler().kind()});
      }
      if (s != null && s.label() != null) {
        rows.add(new String[] {"label", s.label().name() + (s.label().classes() == null ? ""
            : " " + s.label().classes())});
      }
      rows.add(new String[] {"price", m.pricePerPrediction() + " per row"});
      rows.add(new String[] {"budget", m.maxQueriesPerBuyer() + " queries, " + m.maxRowsPerBuyer()
          + " rows per buyer, " + m.maxRowsTotal() + " rows in all (results flooded for "
          + m.floodingRows() + ")"});
      if (m.supersededBy() != null) {
        rows.add(new String[] {"superseded by", m.supersededBy()});
      }
      if (m.usage() != null) {
        rows.add(new String[] {"your use", m.usage().queries() + " queries, "
            + m.usage().rows() + " rows"});
      }
      rows.add(new String[] {"listed", m.listed() ? "yes" : "no"});
      rows.add(new String[] {"published", String.valueOf(m.createdAt())});
      ctx.out().print(Remote.table(rows));
      if (target != null) {
        writeSchema(m, target);
        ctx.out().printf("input schema written to %s: encrypt rows with veil encrypt --schema"
            + " %s%n", schema, schema);
      }
      ctx.out().flush();
      return CliErrors.OK;
    }

    /** Writes the model's input schema for veil encrypt --schema; bad input if incomplete. */
    private static void writeSchema(Model m, Path target) throws IOException {
      InputSchema s = m.inputSchema();
      if (s == null || s.featureNames() == null || s.scaler() == null) {
        throw Store.bad("model " + m.id() + " has no complete input schema to write");
      }
      Store.writeJson(target, SchemaFile.of(m.task(), s));
    }
  }
}
