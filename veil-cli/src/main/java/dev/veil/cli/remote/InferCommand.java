package dev.veil.cli.remote;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.veil.api.Input;
import dev.veil.api.InputSchema;
import dev.veil.api.Job;
import dev.veil.api.JobState;
import dev.veil.api.KeySet;
import dev.veil.api.Model;
import dev.veil.api.RowsInfo;
import dev.veil.api.SubmitJobRequest;
import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.CliErrors;
import dev.veil.cli.local.Inference;
import dev.veil.cli.local.Store;
import dev.veil.cli.local.Workflow;
import dev.veil.cli.output.Progress;
import dev.veil.client.VeilClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code veil infer --remote}: an inference job on the server. */
@Command(
    name = "infer",
    sortOptions = false,
    description = {
      "Buy predictions of a published model on your encrypted rows: uploads the rows of veil "
          + "encrypt --schema (encrypted with the model's input schema, from veil model show ID "
          + "--schema FILE), starts an inference job and prints its id. The price (rows x the "
          + "price per prediction) is held at once. The key set the rows are encrypted under "
          + "must be on the server (veil keys upload); the results come back sanitised, under "
          + "your key. With --wait, follow the job and download the predictions into --out for "
          + "veil decrypt --predictions.",
      "Inference from files, without a server, is veil predict --data."
    })
public final class InferCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--remote", required = true, paramLabel = "MODEL_ID",
      description = "The model on the server (mdl_...).")
  String model;

  @Option(names = "--data", required = true, paramLabel = "DIR",
      description = "The rows encrypted for the model by veil encrypt --schema.")
  Path data;

  @Option(names = "--key-set", paramLabel = "ID",
      description = "Your key set the rows are encrypted under (default: the one with their key "
          + "id).")
  String keySet;

  @Option(names = "--wait", description = "Wait for the job with a progress bar.")
  boolean await;

  @Option(names = "--out", paramLabel = "DIR",
      description = "With --wait: where to write the encrypted predictions.")
  Path out;

  @Mixin Remote.Options remote;

  @Mixin RemoteCommand standard;

  @Override
  public Integer call() throws Exception {
    if (out != null && !await) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Option '--out'"
          + " needs --wait (or download later with veil job result ID --out DIR --data DIR)");
    }
    CliContext ctx = CliContext.of(spec);
    RowsInfo rows = Inference.readRowsInfo(data);
    if (out != null) {
      Store.outputDir(out, Workflow.META);
    }
    VeilClient client = Remote.client(ctx, remote);
    Model m = client.getModel(model);
    check(m, rows);
    String ks = keySet;
    if (ks == null) {
      ks = client.findKeySet(rows.keyId()).map(KeySet::id).orElseThrow(() ->
          Store.bad("none of your key sets on " + client.baseUrl() + " has the key id "
              + rows.keyId() + " of the rows in " + data + ": upload the keys they were"
              + " encrypted with first (veil keys upload --keys KEYDIR)"));
    }
    Input input;
    try (Progress bar = Remote.bytesBar(ctx, "upload rows")) {
      input = client.uploadRows(data, Remote.listener(bar));
    }
    Job job = client.submitJob(SubmitJobRequest.inference(m.id(), ks, input.id(), rows.rows(),
        "feature-major", rows.output()));
    ctx.out().printf(Locale.ROOT, "inference job %s queued: %s of %d rows through model %s,"
        + " price %d%n", job.id(), rows.output(), rows.rows(), m.id(), job.price());
    if (!await) {
      ctx.out().printf("follow it with veil job wait %s%n", job.id());
      ctx.out().flush();
      return CliErrors.OK;
    }
    ctx.out().flush();
    job = Remote.waitForJob(ctx, client, job.id(), "infer", null);
    ctx.out().println(Remote.describe(job));
    if (job.state() == JobState.SUCCEEDED && out != null) {
      ctx.out().println(JobCommand.save(ctx, client, job, out, data));
    }
    ctx.out().flush();
    return job.state() == JobState.SUCCEEDED ? CliErrors.OK : CliErrors.FAILURE;
  }

  /** The rows were scaled and ordered for this model (as veil predict --data checks). */
  private void check(Model m, RowsInfo rows) {
    InputSchema s = m.inputSchema();
    if (s == null || s.featureNames() == null) {
      return; // the server checks what it can
    }
    if (!s.featureNames().equals(rows.featureNames())) {
      throw Store.bad(data + " holds the features " + rows.featureNames() + ", model "
          + m.id() + " takes " + s.featureNames() + ": encrypt the rows with its schema (veil"
          + " model show " + m.id() + " --schema schema.json)");
    }
    if (s.scaler() != null && rows.scaler() != null
        && (!String.valueOf(s.scaler().kind()).equals(rows.scaler().kind())
        || !Arrays.equals(s.scaler().offsets(), rows.scaler().offsets())
        || !Arrays.equals(s.scaler().scales(), rows.scaler().scales()))) {
      throw Store.bad(data + " was scaled with another scaler than model " + m.id() + "'s:"
          + " encrypt the rows with its schema (veil model show " + m.id()
          + " --schema schema.json)");
    }
  }
}
