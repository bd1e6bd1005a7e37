package dev.veil.server.inference;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.io.FormatException;
import dev.veil.he.io.VeilIO;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.FloodingPolicy;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.PublicKey;
import dev.veil.ml.infer.EncryptedResult;
import dev.veil.ml.infer.EncryptedRowsInference;
import dev.veil.ml.infer.FeatureMajorInference;
import dev.veil.ml.infer.OutputSanitizer;
import dev.veil.ml.infer.ResultDescriptor;
import dev.veil.ml.linalg.Layout;
import dev.veil.ml.linalg.RotateSum.Placement;
import dev.veil.ml.plain.LogisticModel;
import dev.veil.server.blob.BlobStore.BlobRef;
import dev.veil.server.catalog.KeySetRef;
import dev.veil.server.he.KeyCache;
import dev.veil.server.job.Job;
import dev.veil.server.job.JobContext;
import dev.veil.server.job.JobFailedException;
import dev.veil.server.job.JobInputs;
import dev.veil.server.job.JobKind;
import dev.veil.server.job.JobOutcome;
import dev.veil.server.job.JobRunner;
import dev.veil.server.model.ModelWeights;
import dev.veil.server.model.WeightsVault;

/**
 * Runs an inference job: the only place where a model's weights are used, read through the job's
 * {@link JobInputs} (on the server's workers from the {@link WeightsVault}, for hosted listings
 * only; on the seller's remote worker from its local model file) and kept only in this thread's
 * memory, for the time of the computation. The same computation runs on both kinds of worker.
 * The buyer's rows are scored with veil-ml ({@link FeatureMajorInference} or {@link
 * EncryptedRowsInference}), and the result goes through the {@link OutputSanitizer} before it is
 * stored: reduced to level 0, every slot but the requested rows cleared, re-randomised under the
 * buyer's public key and flooded (so that neither the by-products nor the noise reveal the
 * weights; see {@link InferenceSettings} for the flooding). Resumable: a run interrupted by a
 * restart starts again from its inputs (a fresh sanitisation; the buyer only ever receives one
 * result per job).
 */
public final class InferenceRunner implements JobRunner {
  static final long MAX_RESULT_BYTES = 1L << 34;

  private final InferenceSettings settings;
  private final ObjectMapper json;
  private final KeyCache keys;

  /**
   * @param keys where the key sets' parameters, public and evaluation keys and contexts are kept
   *     between jobs (on the server shared with the admission of {@link InferenceJobs})
   */
  public InferenceRunner(InferenceSettings settings, ObjectMapper json, KeyCache keys) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.json = Objects.requireNonNull(json, "json");
  }

  @Override
  public JobKind kind() {
    return JobKind.INFERENCE;
  }

  @Override
  public boolean resumable() {
    return true;
  }

  @Override
  public JobOutcome run(Job job, JobContext ctx) throws IOException {
    InferenceParameters ip = json.readValue(job.parameters(), InferenceParameters.class);
    ctx.progress("loading the keys", 2);
    JobInputs inputs = ctx.inputs();
    KeySetRef ks = inputs.keySet(ip.keySetId())
        .orElseThrow(() -> new JobFailedException("key set " + ip.keySetId() + " is gone"));
    Parameters params = keys.parameters(ks.paramsSha256(), inputs::open);
    int rows = Math.toIntExact(ip.rows());
    Layout readout = InferenceShape.readout(ip.packing(), params, rows, ip.features());
    long count = InferenceShape.ciphertexts(ip.packing(), params, rows, ip.features());
    try (KeyCache.Lease lease = keys.context(params, ctx.threads())) {
      HeContext he = lease.context();
      PublicKey pk = keys.publicKey(ks.publicKeySha256(), he, inputs::open);
      EvaluationKeys evk;
      try {
        evk = keys.evaluationKeys(ks.evaluationKeysSha256(), he, inputs::open);
      } catch (FormatException e) {
        throw new JobFailedException("the evaluation keys are unreadable: " + e.getMessage());
      }
      ctx.progress("reading the encrypted rows", 5);
      Ciphertext[] cts = readRows(ip, inputs, he, count);
      int needed = InferenceShape.levelsNeeded(ip.packing(), ip.output(), settings);
      for (int c = 0; c < cts.length; c++) {
        if (cts[c].level() < needed) {
          throw new JobFailedException("row ciphertext " + c + " is at level " + cts[c].level()
              + "; " + ip.output() + " with " + ip.packing() + " packing need " + needed
              + " (encrypt at the top level)");
        }
      }
      ctx.checkCancelled();

      // the weights exist in the clear from here to the end of this block only
      ModelWeights mw = inputs.weights(ip.modelId());
      double[] w = mw.weights();
      try {
        if (w.length != ip.features() + 1) {
          throw new JobFailedException("the model changed shape since the job was submitted");
        }
        FloodingPolicy policy = InferenceShape.policy(params, settings, ip.packing(),
            ip.output(), cts[0].level(), w, ip.floodingResults());
        OutputSanitizer sanitizer = new OutputSanitizer(he, pk, policy,
            settings.minPrecisionBits());
        Evaluator ev = new Evaluator(he, evk);
        ctx.progress("computing " + ip.output(), 10);
        EncryptedResult raw = ip.packing().equals(InferenceShape.FEATURE_MAJOR)
            ? featureMajor(ev, cts, rows, ip, w, readout, ctx)
            : rowMajor(ev, new Encoder(he), cts, ip, w, readout);
        ctx.progress("sanitising the result", 85);
        EncryptedResult clean = sanitizer.sanitize(raw);
        ctx.progress("storing the result", 95);
        BlobRef ref = store(clean, ctx.scratch(), inputs);
        InferenceResultInfo info = new InferenceResultInfo(InferenceResultInfo.FORMAT,
            ip.modelId(), ip.output(), ip.packing(), rows, params.slots(), readout.features(),
            clean.size(), params.digestHex(),
            Math.round(sanitizer.expectedPrecisionBits(clean.ciphertext(0).scale()) * 10) / 10.0);
        return new JobOutcome(ref, json.writeValueAsString(info));
      } finally {
        Arrays.fill(w, 0);
      }
    }
  }

  private Ciphertext[] readRows(InferenceParameters ip, JobInputs inputs, HeContext he,
      long count) throws IOException {
    if (count > Integer.MAX_VALUE) {
      throw new JobFailedException("too many ciphertexts: " + count);
    }
    Ciphertext[] cts = new Ciphertext[(int) count];
    try (InputStream in = new BufferedInputStream(inputs.open(ip.inputSha256()), 1 << 16)) {
      for (int c = 0; c < cts.length; c++) {
        try {
          cts[c] = VeilIO.readCiphertext(in, he);
        } catch (FormatException e) {
          throw new JobFailedException("the input does not hold the " + count + " ciphertexts "
              + ip.rows() + " rows of " + ip.features() + " features take with " + ip.packing()
              + " packing under the key set's parameters: ciphertext " + c + ": "
              + e.getMessage());
        }
        if (cts[c].degree() != 1) {
          throw new JobFailedException("row ciphertext " + c + " has degree " + cts[c].degree());
        }
      }
      if (in.read() >= 0) {
        throw new JobFailedException("the input holds more than the " + count + " ciphertexts "
            + ip.rows() + " rows of " + ip.features() + " features take with " + ip.packing()
            + " packing");
      }
    }
    return cts;
  }

  private EncryptedResult featureMajor(Evaluator ev, Ciphertext[] cts, int rows,
      InferenceParameters ip, double[] w, Layout readout, JobContext ctx) {
    FeatureMajorInference fm = new FeatureMajorInference(ev);
    int d = ip.features();
    int slots = readout.slots();
    int batches = readout.ciphertexts();
    Ciphertext[] out = new Ciphertext[batches];
    boolean probabilities = ip.output().equals(InferenceShape.PROBABILITIES);
    LogisticModel model = new LogisticModel(w);
    for (int b = 0; b < batches; b++) {
      FeatureMajorInference.Batch batch = new FeatureMajorInference.Batch(
          Arrays.copyOfRange(cts, b * d, (b + 1) * d), Math.min(slots, rows - b * slots));
      out[b] = (probabilities
          ? fm.probabilities(batch, model, InferenceShape.sigmoid(settings))
          : fm.scores(batch, w)).ciphertext();
      ctx.progress("computing " + ip.output() + " (batch " + (b + 1) + " of " + batches + ")",
          10 + 75 * (b + 1) / batches);
    }
    return new EncryptedResult(out, new ResultDescriptor(readout, probabilities
        ? ResultDescriptor.Output.PROBABILITIES : ResultDescriptor.Output.SCORES, false));
  }

  private EncryptedResult rowMajor(Evaluator ev, Encoder encoder, Ciphertext[] cts,
      InferenceParameters ip, double[] w, Layout readout) {
    EncryptedRowsInference eri = new EncryptedRowsInference(ev, encoder, readout);
    return ip.output().equals(InferenceShape.PROBABILITIES)
        ? eri.probabilities(cts, new LogisticModel(w), InferenceShape.sigmoid(settings))
        : eri.scores(cts, w, Placement.RAW);
  }

  private BlobRef store(EncryptedResult result, Path scratch, JobInputs inputs)
      throws IOException {
    Path file = scratch.resolve("result.ct");
    try (OutputStream out = Files.newOutputStream(file)) {
      for (Ciphertext ct : result.ciphertexts()) {
        VeilIO.write(out, ct);
      }
    }
    try (InputStream in = Files.newInputStream(file)) {
      return inputs.storeResult(in, MAX_RESULT_BYTES);
    }
  }
}
