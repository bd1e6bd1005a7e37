package dev.veil.cli.remote;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.veil.api.DataInfo;
import dev.veil.api.Dataset;
import dev.veil.api.KeySet;
import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.CliErrors;
import dev.veil.cli.core.Opts;
import dev.veil.cli.core.VeilVersion;
import dev.veil.cli.local.Store;
import dev.veil.cli.local.Workflow;
import dev.veil.cli.output.JsonOutput;
import dev.veil.cli.output.Progress;
import dev.veil.client.VeilClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code veil dataset}: encrypted data sets on the server. */
@Command(
    name = "dataset",
    mixinStandardHelpOptions = true,
    versionProvider = VeilVersion.class,
    description = "Encrypted data sets on the server: upload, list, show, hand paid training"
        + " over.",
    subcommands = {DatasetCommand.Upload.class, DatasetCommand.ListDatasets.class,
        DatasetCommand.Show.class, DatasetCommand.HandoverCommand.class})
public final class DatasetCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw CliErrors.missingSubcommand(spec);
  }

  /** {@code veil dataset upload}. */
  @Command(
      name = "upload",
      sortOptions = false,
      description = {
        "Upload an encrypted data set (a veil encrypt directory of a logistic model: meta.json "
            + "and z-NNNNN.ct) with its listing. Its key set must be on the server first (veil "
            + "keys upload); it is found by the key id in meta.json unless --key-set names it. "
            + "Prints the data set's id."
      })
  static final class Upload implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR",
        description = "The encrypted data set from veil encrypt.")
    Path data;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "A label.")
    String name;

    @Option(names = "--description", paramLabel = "TEXT", description = "What the data is.")
    String description;

    @Option(names = "--price", defaultValue = "0", paramLabel = "AMOUNT",
        description = "What another user pays per training job, in minor units (default: "
            + "${DEFAULT-VALUE}).")
    long price;

    @Option(names = "--listed",
        description = "List it, so that others find it and may pay to train on it (default: "
            + "private).")
    boolean listed;

    @Option(names = "--key-set", paramLabel = "ID",
        description = "The key set the data is encrypted under (default: yours with the key id "
            + "of meta.json).")
    String keySet;

    @Option(names = "--handover-hours", paramLabel = "H",
        description = "Hours you give yourself to hand a paid training over to its builder's "
            + "key (veil dataset handover) before the builder is refunded (default: 72).")
    Integer handoverHours;

    @Mixin Remote.Options remote;

    @Mixin RemoteCommand standard;

    @Override
    public Integer call() throws Exception {
      Opts.atLeast(spec, "--price", price, 0);
      if (handoverHours != null) {
        Opts.atLeast(spec, "--handover-hours", handoverHours, 1);
      }
      CliContext ctx = CliContext.of(spec);
      Store.requireDir(data, "an encrypted data set from veil encrypt");
      DataInfo info = Store.readJson(data.resolve(Workflow.META), DataInfo.class);
      Store.requireFormat(data.resolve(Workflow.META), info.format(), DataInfo.FORMAT);
      Store.validate(data.resolve(Workflow.META), info::validate);
      VeilClient client = Remote.client(ctx, remote);
      String ks = keySet;
      if (ks == null) {
        ks = client.findKeySet(info.keyId()).map(KeySet::id).orElseThrow(() ->
            new IllegalArgumentException("none of your key sets on " + client.baseUrl()
                + " has the key id " + info.keyId() + " of " + data + ": upload the keys it was"
                + " encrypted with first (veil keys upload --keys KEYDIR)"));
      }
      Dataset ds;
      try (Progress bar = Remote.bytesBar(ctx, "upload data")) {
        ds = client.uploadDataset(data, name, description, ks, price, listed, handoverHours,
            Remote.listener(bar));
      }
      ctx.out().printf("uploaded data set %s: %d rows x %d features, %d parts, %s, price %d per"
              + " training job%n", ds.id(), ds.rows(), ds.features(), ds.partsExpected(),
          ds.listed() ? "listed" : "not listed", ds.pricePerTraining());
      ctx.out().flush();
      return CliErrors.OK;
    }
  }

  /** {@code veil dataset handover}. */
  @Command(
      name = "handover",
      sortOptions = false,
      description = {
        "Hand paid trainings on your data sets over to their builders' keys. Without JOB: list "
            + "the pending ones. With JOB: download the masked model (the platform adds a "
            + "uniform mask, so you never see the weights) and the builder's public key, switch "
            + "it from your key to the builder's with flooding (one shared decryption of your "
            + "key's budget per ciphertext), and upload the switch: the platform removes its "
            + "mask, the builder gets its model and you are paid."
      })
  static final class HandoverCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "JOB",
        description = "The training job to hand over (job_...).")
    String job;

    @Option(names = "--keys", paramLabel = "DIR",
        description = "Your key directory (the data set's keys, with secret.key and its budget).")
    Path keys;

    @Mixin Remote.Options remote;

    @Mixin RemoteCommand standard;

    @Override
    public Integer call() throws Exception {
      CliContext ctx = CliContext.of(spec);
      VeilClient client = Remote.client(ctx, remote);
      if (job == null) {
        List<dev.veil.api.Handover> pending = client.listHandovers();
        if (pending.isEmpty()) {
          ctx.out().println("no pending hand-overs");
        }
        for (dev.veil.api.Handover h : pending) {
          ctx.out().printf("%s  to key set %s  %d ciphertexts  due %s%n", h.jobId(),
              h.builderKeySetId(), h.ciphertexts(), h.deadline());
        }
        ctx.out().flush();
        return CliErrors.OK;
      }
      if (keys == null) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "Missing required option: '--keys=DIR' (the key directory of the data set)");
      }
      dev.veil.api.Handover h = client.getHandover(job);
      dev.veil.api.EncryptedModelInfo info = Store.JSON.readValue(h.model(),
          dev.veil.api.EncryptedModelInfo.class);
      Path tmp = java.nio.file.Files.createTempDirectory("veil-handover-");
      try {
        Path masked = tmp.resolve("masked.ct");
        Path pk = tmp.resolve("builder.key");
        Path switched = tmp.resolve("switched.ct");
        client.downloadMaskedModel(job, masked);
        client.downloadHandoverPublicKey(job, pk);
        dev.veil.cli.local.HandoverSwitch.Switched s = dev.veil.cli.local.HandoverSwitch.run(
            keys, info, masked, h.ciphertexts(), pk, switched);
        dev.veil.api.Job j = client.deliverHandover(job, switched);
        ctx.out().printf(java.util.Locale.ROOT, "handed job %s over to key set %s: %d"
                + " ciphertexts switched with flooding (%.1f bits of precision left per slot;"
                + " %d shared decryptions of your key used); job %s%n", job,
            h.builderKeySetId(), s.ciphertexts(), s.precisionBits(), s.budgetUsed(), j.state());
        ctx.out().flush();
        return CliErrors.OK;
      } finally {
        try (var files = java.nio.file.Files.list(tmp)) {
          for (Path f : files.toList()) {
            java.nio.file.Files.deleteIfExists(f);
          }
        }
        java.nio.file.Files.deleteIfExists(tmp);
      }
    }
  }

  /** {@code veil dataset list}. */
  @Command(
      name = "list",
      description = "List your data sets and the listed ones of others.")
  static final class ListDatasets implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin Remote.Options remote;

    @Mixin JsonOutput json;

    @Mixin RemoteCommand standard;

    @Override
    public Integer call() throws Exception {
      CliContext ctx = CliContext.of(spec);
      return Remote.printList(ctx, json, Remote.client(ctx, remote).listDatasets(),
          "no data sets",
          new String[] {"ID", "NAME", "OWNER", "ROWS", "FEATURES", "PRICE", "STATE", "LISTED"},
          d -> new String[] {d.id(), d.name(),
              d.owner() + (d.owned() ? " (you)" : ""), "" + d.rows(), "" + d.features(),
              "" + d.pricePerTraining(), d.state(), d.listed() ? "yes" : "no"});
    }
  }

  /** {@code veil dataset show}. */
  @Command(name = "show", description = "Show a data set: listing, shape, features, label, state.")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "The data set (ds_...).")
    String id;

    @Mixin Remote.Options remote;

    @Mixin JsonOutput json;

    @Mixin RemoteCommand standard;

    @Override
    public Integer call() throws Exception {
      CliContext ctx = CliContext.of(spec);
      Dataset d = Remote.client(ctx, remote).getDataset(id);
      if (json.print(ctx, d)) {
        return CliErrors.OK;
      }
      DataInfo m = d.meta();
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"id", d.id()});
      rows.add(new String[] {"name", d.name()});
      rows.add(new String[] {"description", d.description() == null ? "" : d.description()});
      rows.add(new String[] {"owner", d.owner() + (d.owned() ? " (you)" : "")});
      rows.add(new String[] {"state", d.state() + (d.partsUploaded() == null ? ""
          : ", " + d.partsUploaded() + " of " + d.partsExpected() + " parts")});
      rows.add(new String[] {"shape", d.rows() + " rows x " + d.features() + " features"});
      if (m != null) {
        rows.add(new String[] {"model", String.valueOf(m.model())});
        rows.add(new String[] {"features", String.valueOf(m.featureNames())});
        if (m.label() != null) {
          rows.add(new String[] {"label", m.label().name() + (m.label().classes() == null ? ""
              : " " + m.label().classes())});
        }
        rows.add(new String[] {"planned", m.iterations() + " iterations, sigmoid degree "
            + m.degree()});
        rows.add(new String[] {"key id", String.valueOf(m.keyId())});
      }
      if (d.keySetId() != null) {
        rows.add(new String[] {"key set", d.keySetId()});
      }
      rows.add(new String[] {"price", d.pricePerTraining() + " per training job"});
      rows.add(new String[] {"listed", d.listed() ? "yes" : "no"});
      rows.add(new String[] {"created", String.valueOf(d.createdAt())});
      ctx.out().print(Remote.table(rows));
      ctx.out().flush();
      return CliErrors.OK;
    }
  }
}
