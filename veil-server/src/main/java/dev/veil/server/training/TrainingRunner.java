package dev.veil.server.training;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.api.EncryptedModelInfo;
import dev.veil.api.TrainingInfo;
import dev.veil.he.io.VeilIO;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.HeContext;
import dev.veil.ml.train.EncryptedLogisticRegression;
import dev.veil.ml.train.LogisticTraining;
import dev.veil.ml.train.TrainingPlan;
import dev.veil.server.blob.BlobStore.BlobRef;
import dev.veil.server.he.KeyCache;
import dev.veil.server.job.Job;
import dev.veil.server.job.JobContext;
import dev.veil.server.job.JobFailedException;
import dev.veil.server.job.JobInputs;
import dev.veil.server.job.JobKind;
import dev.veil.server.job.JobOutcome;
import dev.veil.server.job.JobRunner;

/**
 * Runs a training job exactly as {@code veil train} does ({@link LogisticTraining}): the data
 * owner's evaluation keys and the encrypted table in, the encrypted weights out, never a secret
 * key. It reads its inputs and stores its result through the {@link JobInputs} of its context,
 * so that it runs the same on the server's workers and on a remote training worker. Progress:
 * loading (0-15%), one step per iteration (15-95%), storing. Cancellation is checked between
 * ciphertexts while loading and after every iteration.
 *
 * <p>The result blob is the weights ciphertext in the VeilIO format ({@code weights.ct}); its
 * description is the {@link EncryptedModelInfo} ({@code meta.json}). Resumable: a run interrupted
 * by a restart starts again from its inputs.
 */
public final class TrainingRunner implements JobRunner {
  /** The largest result accepted (one ciphertext: a few MB at N = 2^16). */
  static final long MAX_RESULT_BYTES = 1L << 30;

  private final KeyCache keys;
  private final ObjectMapper json;

  /**
   * @param keys where key sets' parameters and evaluation keys are kept and contexts leased
   *     between jobs (the server's one cache, or a remote worker's)
   */
  public TrainingRunner(KeyCache keys, ObjectMapper json) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.json = Objects.requireNonNull(json, "json");
  }

  @Override
  public JobKind kind() {
    return JobKind.TRAINING;
  }

  @Override
  public boolean resumable() {
    return true;
  }

  @Override
  public JobOutcome run(Job job, JobContext ctx) throws IOException {
    TrainingParameters tp = json.readValue(job.parameters(), TrainingParameters.class);
    ctx.progress("loading the data set", 1);
    JobInputs inputs = ctx.inputs();
    TrainingSetup.Resolved r = TrainingSetup.resolve(inputs, inputs::open, keys, json,
        TrainingSetup.dataset(inputs, tp.datasetId()), tp.iterations(), tp.degree(), tp.l2());
    if (!r.keySet().id().equals(tp.keySetId())) {
      throw new JobFailedException("the data set's key set changed since the job was submitted");
    }
    TrainingPlan plan = r.plan();
    long start = System.nanoTime();
    try (KeyCache.Lease lease = keys.context(r.params(), ctx.threads())) {
      HeContext he = lease.context();
      ctx.progress("reading the evaluation keys", 3);
      EvaluationKeys evk;
      try {
        evk = keys.evaluationKeys(r.keySet().evaluationKeysSha256(), he, inputs::open);
      } catch (dev.veil.he.io.FormatException e) {
        throw new JobFailedException("the data owner's evaluation keys are unreadable: "
            + e.getMessage());
      }
      LogisticTraining.requireKeys(plan, evk);
      Ciphertext[] z = new Ciphertext[plan.layout().ciphertexts()];
      for (int c = 0; c < z.length; c++) {
        ctx.progress("reading the encrypted data set (" + (c + 1) + " of " + z.length + ")",
            5 + 10 * c / z.length);
        try (InputStream in = inputs.open(r.dataset().partSha256s().get(c))) {
          z[c] = VeilIO.readCiphertext(in, he);
        } catch (dev.veil.he.io.FormatException e) {
          throw new JobFailedException("ciphertext " + c + " of the data set is unreadable: "
              + e.getMessage());
        }
      }
      LogisticTraining.requireTable(plan, z);
      ctx.progress("training: iteration 0 of " + plan.iterations(), 15);
      EncryptedLogisticRegression.Result result = LogisticTraining.train(he, evk, plan, z,
          (i, k) -> ctx.progress("training: iteration " + i + " of " + k, 15 + 80 * i / k));
      ctx.progress("storing the encrypted model", 97);
      Path file = ctx.scratch().resolve("weights.ct");
      try (OutputStream out = Files.newOutputStream(file)) {
        VeilIO.write(out, result.weights());
      }
      BlobRef ref;
      try (InputStream in = Files.newInputStream(file)) {
        ref = inputs.storeResult(in, MAX_RESULT_BYTES);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      var report = result.report();
      EncryptedModelInfo info = new EncryptedModelInfo(EncryptedModelInfo.FORMAT, "logistic",
          r.meta().features(), r.meta().featureNames(), r.meta().label(), r.meta().scaler(),
          new TrainingInfo(tp.iterations(), tp.degree(),
              plan.levelsPerIteration(), report.inputLevel(), report.outputLevel(),
              report.iterationMillis(), seconds, null),
          r.params().digestHex(), r.meta().keyId());
      return new JobOutcome(ref, json.writeValueAsString(info));
    }
  }
}
