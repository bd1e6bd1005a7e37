package dev.veil.cli.remote;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.veil.api.EncryptedModelInfo;
import dev.veil.api.Job;
import dev.veil.api.JobKind;
import dev.veil.api.JobState;
import dev.veil.api.Label;
import dev.veil.api.Model;
import dev.veil.api.PredictionsInfo;
import dev.veil.api.RowsInfo;
import dev.veil.cli.core.CliContext;
import dev.veil.cli.local.Inference;
import dev.veil.cli.local.ModelKind;
import dev.veil.cli.local.Store;
import dev.veil.cli.local.Workflow;
import dev.veil.cli.output.Progress;
import dev.veil.client.VeilApiException;
import dev.veil.client.VeilClient;
import dev.veil.he.io.FormatException;
import dev.veil.he.io.VeilIO;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.Parameters;

/**
 * A finished remote job's result as the file workflow's directories, so that {@code veil decrypt}
 * reads it: a training job's as an encrypted model directory ({@code meta.json} and {@code
 * weights.ct}, what {@code veil train} writes), an inference job's as encrypted predictions
 * ({@code meta.json} and {@code out-000-BBBBB.ct}, what {@code veil predict --data} writes). Each
 * directory is written whole or not at all.
 */
final class RemoteResults {
  private RemoteResults() {}

  /** The server's description of an inference result, kept beside the predictions. */
  static final String SERVER_RESULT = "result.json";

  /**
   * Downloads a SUCCEEDED training job's encrypted model into {@code out}.
   *
   * @return its description (for the message)
   */
  static EncryptedModelInfo saveModel(CliContext ctx, VeilClient client, Job job, Path out)
      throws IOException {
    require(job, JobKind.TRAINING);
    EncryptedModelInfo info = result(job, EncryptedModelInfo.class);
    Store.requireFormat(Path.of(job.id() + " result"), info.format(),
        EncryptedModelInfo.FORMAT);
    Store.validate(Path.of(job.id() + " result"), info::validate);
    Path dir = Store.outputDir(out, Workflow.META);
    Store.writeDirectory(dir, tmp -> {
      try (Progress bar = Remote.bytesBar(ctx, "download")) {
        client.downloadResult(job.id(), tmp.resolve(Workflow.WEIGHTS), Remote.listener(bar));
      }
      if ("ovr".equals(info.model())) {
        splitClasses(tmp, info.label() == null || info.label().classes() == null ? 0
            : info.label().classes().size(), job);
      }
      Store.JSON.writeValue(tmp.resolve(Workflow.META).toFile(), job.result());
    });
    return info;
  }

  /**
   * A one-vs-rest result holds one weights ciphertext per class, one after the other, all of one
   * size: written as weights-cNNN.ct, as veil train writes them.
   */
  private static void splitClasses(Path dir, int classes, Job job) throws IOException {
    Path all = dir.resolve(Workflow.WEIGHTS);
    byte[] bytes = java.nio.file.Files.readAllBytes(all);
    if (classes < 2 || bytes.length % classes != 0) {
      throw Store.bad("the result of job " + job.id() + " does not hold " + classes
          + " class weights of one size");
    }
    int each = bytes.length / classes;
    for (int c = 0; c < classes; c++) {
      java.nio.file.Files.write(dir.resolve(Workflow.classWeightsFile(c)),
          java.util.Arrays.copyOfRange(bytes, c * each, (c + 1) * each));
    }
    java.nio.file.Files.delete(all);
  }

  /**
   * Downloads a SUCCEEDED inference job's sanitised results into a predictions directory for the
   * rows in {@code rowsDir} (their parameters split the result into its ciphertexts).
   */
  static PredictionsInfo savePredictions(CliContext ctx, VeilClient client, Job job,
      Path rowsDir, Path out) throws IOException {
    require(job, JobKind.INFERENCE);
    RowsInfo rows = Inference.readRowsInfo(rowsDir);
    JsonNode r = job.result();
    if (r == null || !"veil-inference-result/1".equals(r.path("format").asText())) {
      throw Store.bad("job " + job.id() + " has no inference result description");
    }
    String output = r.path("output").asText();
    Inference.Output.of(output, job.id() + " result");
    if (!"feature-major".equals(r.path("packing").asText())
        || r.path("layoutFeatures").asInt() != 1 || r.path("rows").asLong() != rows.rows()
        || r.path("slots").asInt() != rows.slots()
        || r.path("ciphertexts").asInt() != rows.batches()
        || !rows.paramsDigest().equals(r.path("paramsDigest").asText())) {
      throw Store.bad("the result of job " + job.id() + " (" + r.path("rows").asLong()
          + " rows, " + r.path("ciphertexts").asInt() + " ciphertexts, " + r.path("packing")
          .asText() + ") does not belong to the rows in " + rowsDir + " (" + rows.rows()
          + " rows in " + rows.batches() + " batches)");
    }
    ModelKind kind = ModelKind.of(rows.model(), rowsDir.resolve(Workflow.META));
    Label label = label(client, job);
    Label labelInfo = kind == ModelKind.LINEAR
        // the server applies a linear model in the label's units: nothing to map back
        ? new Label(label == null ? null : label.name(), null, 0.0, 1.0)
        : label == null ? null : new Label(label.name(), label.classes());
    PredictionsInfo info = new PredictionsInfo(PredictionsInfo.FORMAT, kind.id(), output,
        Inference.Output.of(output, job.id()) == Inference.Output.PROBABILITIES ? rows.degree()
            : 0, rows.rows(), 1, rows.slots(), rows.batches(), labelInfo, null,
        rows.paramsDigest(), rows.keyId());
    Parameters params = Workflow.readParams(rowsDir.resolve(Workflow.PARAMS),
        rows.paramsDigest());
    Path dir = Store.outputDir(out, Workflow.META);
    Store.writeDirectory(dir, tmp -> {
      Path blob = tmp.resolve(".result.veil");
      try (Progress bar = Remote.bytesBar(ctx, "download")) {
        client.downloadResult(job.id(), blob, Remote.listener(bar));
      }
      try (HeContext he = new HeContext(params, Workflow.threads());
          InputStream in = new BufferedInputStream(Files.newInputStream(blob), 1 << 16)) {
        for (int b = 0; b < rows.batches(); b++) {
          Ciphertext ct = VeilIO.readCiphertext(in, he);
          VeilIO.writeAtomically(tmp.resolve(Inference.resultFile(0, b)),
              o -> VeilIO.write(o, ct));
        }
        if (in.read() >= 0) {
          throw Store.bad("the result of job " + job.id() + " holds more than "
              + rows.batches() + " ciphertexts");
        }
      } catch (FormatException e) {
        throw Store.bad("the result of job " + job.id() + " is not " + rows.batches()
            + " ciphertexts under the parameters of " + rowsDir + ": " + e.getMessage());
      }
      Files.delete(blob);
      Store.writeJson(tmp.resolve(Workflow.META), info);
      Store.JSON.writeValue(tmp.resolve(SERVER_RESULT).toFile(), r);
    });
    return info;
  }

  /** The label of the job's model, or null if the model cannot be seen any more. */
  private static Label label(VeilClient client, Job job) {
    String modelId = job.parameters() == null ? null
        : job.parameters().path("modelId").asText(null);
    if (modelId == null) {
      return null;
    }
    try {
      Model m = client.getModel(modelId);
      return m.inputSchema() == null ? null : m.inputSchema().label();
    } catch (VeilApiException e) {
      if (e.status() == 404) {
        return null; // unlisted since: the predictions need no more than the rows
      }
      throw e;
    }
  }

  private static void require(Job job, JobKind kind) {
    if (job.kind() != kind) {
      throw Store.bad("job " + job.id() + " is a " + job.kind().name().toLowerCase(
          java.util.Locale.ROOT) + " job, not " + kind.name().toLowerCase(java.util.Locale.ROOT));
    }
    if (job.state() != JobState.SUCCEEDED) {
      throw Store.bad("job " + job.id() + " is " + job.state() + (job.error() == null ? ""
          : " (" + job.error() + ")") + ": it has no result"
          + (job.state().isTerminal() ? "" : " yet (veil job wait " + job.id() + ")"));
    }
  }

  private static <T> T result(Job job, Class<T> type) {
    if (job.result() == null) {
      throw Store.bad("job " + job.id() + " has no result description");
    }
    try {
      return Store.JSON.treeToValue(job.result(), type);
    } catch (JacksonException e) {
      throw Store.bad("job " + job.id() + ": unreadable result description ("
          + e.getOriginalMessage() + ")");
    }
  }
}
