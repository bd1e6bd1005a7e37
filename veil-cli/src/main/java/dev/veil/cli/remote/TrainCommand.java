package dev.veil.cli.remote;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.veil.api.Job;
import dev.veil.api.JobState;
import dev.veil.api.SubmitJobRequest;
import dev.veil.api.TrainingInfo;
import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.CliErrors;
import dev.veil.cli.core.Opts;
import dev.veil.cli.core.VeilVersion;
import dev.veil.cli.local.ModelKind;
import dev.veil.cli.local.Store;
import dev.veil.cli.local.Training;
import dev.veil.cli.local.Workflow;
import dev.veil.cli.output.Bars;
import dev.veil.client.VeilClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code veil train}: encrypted training with the evaluation keys only (no secret key), from files
 * ({@code --data}, {@code --eval-keys}, {@code --out}) or as a job on a server ({@code --remote
 * DATASET_ID}).
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    versionProvider = VeilVersion.class,
    sortOptions = false,
    description = {
      "Train on an encrypted data set the model it was encrypted for: logistic regression (Kim "
          + "et al.'s Nesterov method with a polynomial sigmoid), linear regression (gradient "
          + "descent, step 0.5) or one-vs-rest (one logistic regression per class). Needs only "
          + "the data set and the evaluation keys: never the secret key. Writes the encrypted "
          + "model directory.",
      "With --remote DATASET_ID instead of --data and --eval-keys: start a training job on a "
          + "data set on the server (yours, free, or a listed one, for its price) and print "
          + "its id; with --wait, follow it with a progress bar and, with --out, download the "
          + "encrypted model (only the data owner's keys decrypt it)."
    },
    exitCodeListHeading = CliErrors.EXIT_CODES_HEADING,
    exitCodeList = {CliErrors.EXIT_OK,
        "1:failure (an I/O error, a failed run or job, an unreachable server, a bug)",
        "2:bad input (unknown option, invalid value, unusable path, refused by the server)"})
public final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--data", paramLabel = "DIR",
      description = "The encrypted data set from veil encrypt (training from files).")
  Path data;

  @Option(names = "--eval-keys", paramLabel = "FILE",
      description = "The evaluation keys (KEYDIR/evaluation.keys; training from files).")
  Path evalKeys;

  @Option(names = "--remote", paramLabel = "DATASET_ID",
      description = "Train on the server instead: the data set (ds_...).")
  String remoteDataset;

  @Option(names = "--iterations", paramLabel = "T",
      description = "Iterations (default: the ones the keys were planned for).")
  Integer iterations;

  @Option(names = "--degree", paramLabel = "K",
      description = "Sigmoid degree 3, 5 or 7 (default: the one the keys were planned for; "
          + "logistic and ovr).")
  Integer degree;

  @Option(names = "--learning-rate", paramLabel = "A",
      description = "Linear regression only: the constant step size (default: "
          + Training.LINEAR_LEARNING_RATE + "; the step must stay below 2 / the largest "
          + "eigenvalue of the design's covariance).")
  Double learningRate;

  @Option(names = "--model", paramLabel = "KIND", converter = ModelKind.TrainingConverter.class,
      description = "logistic, linear or ovr: must be the kind the data set was encrypted for "
          + "(default: that kind).")
  ModelKind model;

  @Option(names = "--key-set", paramLabel = "ID",
      description = "With --remote on someone else's data set: your key set (of the data set's "
          + "parameters) the model is handed over to; the job waits (HANDOVER_PENDING) until "
          + "the data owner runs veil dataset handover, then you decrypt it with your keys.")
  String keySet;

  @Option(names = "--l2", paramLabel = "LAMBDA",
      description = "With --remote: ridge penalty (default: none).")
  Double l2;

  @Option(names = "--wait",
      description = "With --remote: wait for the job with a progress bar.")
  boolean await;

  @Option(names = "--out", paramLabel = "DIR",
      description = "The encrypted model directory to write (with --remote: needs --wait).")
  Path out;

  @Mixin Remote.Options remote;

  @Override
  public Integer call() throws Exception {
    if (iterations != null) {
      Opts.atLeast(spec, "--iterations", iterations, 1);
    }
    return remoteDataset != null ? remote() : local();
  }

  private int local() throws Exception {
    List<String> missing = new ArrayList<>();
    if (data == null) {
      missing.add("'--data=DIR'");
    }
    if (evalKeys == null) {
      missing.add("'--eval-keys=FILE'");
    }
    if (out == null) {
      missing.add("'--out=DIR'");
    }
    if (!missing.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "Missing required option"
          + (missing.size() > 1 ? "s: " : ": ") + String.join(", ", missing)
          + " (or --remote DATASET_ID to train on a server)");
    }
    for (String o : new String[] {"--l2", "--wait", "--config-dir", "--key-set"}) {
      refuse(o, "applies to --remote only");
    }
    CliContext ctx = CliContext.of(spec);
    Training.TrainResult r = Training.train(data, evalKeys, model, iterations, degree,
        learningRate, out, Bars.of(ctx));
    TrainingInfo t = r.info().training();
    String what = switch (ModelKind.of(r.info().model(), out)) {
      case LINEAR -> String.format(Locale.ROOT, "linear regression, step %s", t.learningRate());
      case OVR -> String.format(Locale.ROOT, "one-vs-rest, %d classes, sigmoid degree %d",
          r.info().label().classes().size(), t.degree());
      default -> "sigmoid degree " + t.degree();
    };
    ctx.out().printf(Locale.ROOT, "trained %d iterations (%s, %d levels each) on %s: %.2f s per"
            + " iteration, %.1f s in all; encrypted model in %s%n", t.iterations(), what,
        t.levelsPerIteration(), data,
        Arrays.stream(t.iterationMillis()).average().orElse(0) / 1000, t.totalSeconds(), out);
    ctx.out().flush();
    return CliErrors.OK;
  }

  private int remote() throws Exception {
    refuse("--data", "--remote trains the data set on the server");
    refuse("--eval-keys", "the server holds the data owner's evaluation keys");

    if (out != null && !await) {
      throw new ParameterException(spec.commandLine(), "Option '--out' needs --wait with"
          + " --remote (or download later with veil job result ID --out DIR)");
    }
    CliContext ctx = CliContext.of(spec);
    if (out != null) {
      Store.outputDir(out, Workflow.META);
    }
    VeilClient client = Remote.client(ctx, remote);
    Job job = client.submitJob(SubmitJobRequest.training(remoteDataset,
        model == null ? null : model.id(), iterations, degree, l2, learningRate, keySet));
    ctx.out().printf("training job %s queued on data set %s, price %d%n", job.id(),
        remoteDataset, job.price());
    if (!await) {
      ctx.out().printf("follow it with veil job wait %s%n", job.id());
      ctx.out().flush();
      return CliErrors.OK;
    }
    ctx.out().flush();
    job = Remote.waitForJob(ctx, client, job.id(), "train", null);
    ctx.out().println(Remote.describe(job));
    if (job.state() == JobState.SUCCEEDED && out != null) {
      ctx.out().println(JobCommand.save(ctx, client, job, out, null));
    }
    ctx.out().flush();
    return job.state() == JobState.SUCCEEDED ? CliErrors.OK : CliErrors.FAILURE;
  }

  private void refuse(String option, String why) {
    if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
      throw new ParameterException(spec.commandLine(), "Option '" + option + "' does not apply"
          + (remoteDataset != null ? " with --remote" : "") + ": " + why);
    }
  }
}
