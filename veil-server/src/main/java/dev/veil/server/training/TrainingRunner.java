package dev.veil.server.training;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.api.EncryptedModelInfo;
import dev.veil.api.TrainingInfo;
import dev.veil.cli.local.Training;
import dev.veil.he.io.VeilIO;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.multiparty.RingMask;
import dev.veil.ml.train.ModelTraining;
import dev.veil.server.blob.BlobStore.BlobRef;
import dev.veil.server.he.KeyCache;
import dev.veil.server.job.Job;
import dev.veil.server.job.JobContext;
import dev.veil.server.job.JobFailedException;
import dev.veil.server.job.JobOutcome.Handover;
import dev.veil.server.job.JobInputs;
import dev.veil.server.job.JobKind;
import dev.veil.server.job.JobOutcome;
import dev.veil.server.job.JobRunner;

/**
 * Runs a training job exactly as {@code veil train} does ({@link ModelTraining}, every kind:
 * logistic, linear, one-vs-rest): the data owner's evaluation keys and the encrypted tables in,
 * the encrypted weights out, never a secret key. It reads its inputs and stores its result through the {@link JobInputs} of its context,
 * so that it runs the same on the server's workers and on a remote training worker. Progress:
 * loading (0-15%), one step per iteration (15-95%), storing. Cancellation is checked between
 * ciphertexts while loading and after every iteration.
 *
 * <p>The result blob is the weights ciphertexts in the VeilIO format one after the other (one,
 * or one per class for ovr, in class order: {@code weights.ct}); its description is the {@link
 * EncryptedModelInfo} ({@code meta.json}). A training to be handed over to a builder's key
 * (only ever run by the server's own workers) adds a {@link RingMask} from a fresh seed to every
 * ciphertext before it is stored: the stored result is the masked model the data owner switches,
 * the seed goes to the job service with the outcome and never into a blob. Resumable: a run interrupted
 * by a restart starts again from its inputs.
 */
public final class TrainingRunner implements JobRunner {
  /** The largest result accepted (one ciphertext: a few MB at N = 2^16). */
  static final long MAX_RESULT_BYTES = 1L << 30;
  private static final SecureRandom RANDOM = new SecureRandom();

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
    double rate = tp.learningRate() == null ? ModelTraining.LINEAR_LEARNING_RATE
        : tp.learningRate();
    TrainingSetup.Resolved r = TrainingSetup.resolve(inputs, inputs::open, keys, json,
        TrainingSetup.dataset(inputs, tp.datasetId()), tp.iterations(), tp.degree(), tp.l2(),
        rate);
    if (!r.keySet().id().equals(tp.keySetId())) {
      throw new JobFailedException("the data set's key set changed since the job was submitted");
    }
    ModelTraining.Setup setup = r.setup();
    if (tp.model() != null && !tp.model().equals(setup.spec().kind().id())) {
      throw new JobFailedException("the data set's model kind changed since the job was"
          + " submitted");
    }
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
      ModelTraining.requireKeys(setup, evk);
      int per = setup.layout().ciphertexts();
      int parts = setup.parts();
      Ciphertext[][] tables = new Ciphertext[setup.tables().size()][per];
      for (int c = 0; c < parts; c++) {
        ctx.progress("reading the encrypted data set (" + (c + 1) + " of " + parts + ")",
            5 + 10 * c / parts);
        try (InputStream in = inputs.open(r.dataset().partSha256s().get(c))) {
          tables[c / per][c % per] = VeilIO.readCiphertext(in, he);
        } catch (dev.veil.he.io.FormatException e) {
          throw new JobFailedException("ciphertext " + c + " of the data set is unreadable: "
              + e.getMessage());
        }
      }
      ModelTraining.requireTables(setup, tables);
      long total = (long) tables.length * tp.iterations();
      ctx.progress("training: iteration 0 of " + total, 15);
      ModelTraining.Result result = ModelTraining.train(he, evk, setup, tables,
          (i, k) -> ctx.progress("training: iteration " + i + " of " + k,
              (int) (15 + 80 * i / k)));
      ctx.progress("storing the encrypted model", 97);
      Handover handover = null;
      if (tp.handoverKeySetId() != null) {
        // the data owner re-encrypts this for the builder: it must never see it unmasked
        byte[] seed = new byte[32];
        RANDOM.nextBytes(seed);
        for (int k = 0; k < result.weights().size(); k++) {
          RingMask.add(he, result.weights().get(k), seed, k);
        }
        handover = new Handover(tp.handoverKeySetId(), HexFormat.of().formatHex(seed),
            result.weights().size(), tp.handoverHours());
      }
      Path file = ctx.scratch().resolve("weights.ct");
      try (OutputStream out = Files.newOutputStream(file)) {
        for (Ciphertext w : result.weights()) {
          VeilIO.write(out, w);
        }
      }
      BlobRef ref;
      try (InputStream in = Files.newInputStream(file)) {
        ref = inputs.storeResult(in, MAX_RESULT_BYTES);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      TrainingInfo report = Training.report(result, seconds);
      EncryptedModelInfo info = new EncryptedModelInfo(EncryptedModelInfo.FORMAT,
          setup.spec().kind().id(), r.meta().features(), r.meta().featureNames(),
          r.meta().label(), r.meta().scaler(), report, r.params().digestHex(),
          handover == null ? r.meta().keyId() : null);
      return new JobOutcome(ref, json.writeValueAsString(info), handover);
    }
  }
}
