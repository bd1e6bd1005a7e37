package dev.veil.cli.remote;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.veil.api.EncryptedModelInfo;
import dev.veil.api.Job;
import dev.veil.api.JobKind;
import dev.veil.api.JobState;
import dev.veil.api.PredictionsInfo;
import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.CliErrors;
import dev.veil.cli.core.Opts;
import dev.veil.cli.core.VeilVersion;
import dev.veil.cli.local.Inference;
import dev.veil.cli.local.Store;
import dev.veil.cli.output.JsonOutput;
import dev.veil.client.VeilClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code veil job}: training and inference jobs on the server. */
@Command(
    name = "job",
    mixinStandardHelpOptions = true,
    versionProvider = VeilVersion.class,
    description = "Jobs on the server: status, wait, cancel, list, result.",
    subcommands = {JobCommand.Status.class, JobCommand.Wait.class, JobCommand.Cancel.class,
        JobCommand.ListJobs.class, JobCommand.Result.class})
public final class JobCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw CliErrors.missingSubcommand(spec);
  }

  /** Writes a finished job's result where {@code out} says; the message line. */
  static String save(CliContext ctx, VeilClient client, Job job, Path out, Path rows)
      throws Exception {
    if (job.kind() == JobKind.TRAINING) {
      EncryptedModelInfo info = RemoteResults.saveModel(ctx, client, job, out);
      return String.format(Locale.ROOT, "encrypted model (%s, %d features) in %s: decrypt it"
          + " with the data owner's keys (veil decrypt --keys KEYDIR --model %s --out"
          + " model.json)", info.model(), info.features(), out, out);
    }
    if (rows == null) {
      throw Store.bad("an inference result needs the rows it was computed on: give --data"
          + " ROWS_DIR (their parameters and shape)");
    }
    PredictionsInfo p = RemoteResults.savePredictions(ctx, client, job, rows, out);
    return String.format(Locale.ROOT, "encrypted predictions (%s of %d rows) in %s: decrypt"
        + " them with veil decrypt --keys KEYDIR --predictions %s --out predictions.csv",
        p.output(), p.rows(), out, out);
  }

  /** {@code veil job status}. */
  @Command(
      name = "status",
      description = "Show a job's state, stage, progress and price.")
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "The job (job_...).")
    String id;

    @Mixin Remote.Options remote;

    @Mixin JsonOutput json;

    @Mixin RemoteCommand standard;

    @Override
    public Integer call() throws Exception {
      CliContext ctx = CliContext.of(spec);
      Job j = Remote.client(ctx, remote).getJob(id);
      if (json.print(ctx, j)) {
        return CliErrors.OK;
      }
      ctx.out().println(Remote.describe(j));
      if (j.resultSize() != null) {
        ctx.out().printf("result: %d bytes, SHA-256 %s%n", j.resultSize(), j.resultSha256());
      }
      ctx.out().flush();
      return CliErrors.OK;
    }
  }

  /** {@code veil job wait}. */
  @Command(
      name = "wait",
      mixinStandardHelpOptions = true,
      versionProvider = VeilVersion.class,
      sortOptions = false,
      description = {
        "Wait until a job ends, with a progress bar (server-sent events, polling where they are "
            + "not available). Exit code 0 if it SUCCEEDED, 1 if it FAILED or was CANCELLED. "
            + "With --out, download the result as veil job result does."
      },
      exitCodeListHeading = CliErrors.EXIT_CODES_HEADING,
      exitCodeList = {"0:the job succeeded", "1:it failed or was cancelled; the server is "
          + "unreachable", CliErrors.EXIT_REMOTE_BAD_INPUT})
  static final class Wait implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "The job (job_...).")
    String id;

    @Option(names = "--timeout", paramLabel = "SECONDS",
        description = "Give up after this long (exit code 1; the job goes on).")
    Long timeout;

    @Option(names = "--out", paramLabel = "DIR",
        description = "Download the result here once it succeeded: an encrypted model "
            + "directory, or encrypted predictions (needs --data).")
    Path out;

    @Option(names = "--data", paramLabel = "DIR",
        description = "Inference jobs: the rows directory the job ran on.")
    Path data;

    @Mixin Remote.Options remote;

    @Override
    public Integer call() throws Exception {
      if (timeout != null) {
        Opts.atLeast(spec, "--timeout", timeout, 1);
      }
      CliContext ctx = CliContext.of(spec);
      VeilClient client = Remote.client(ctx, remote);
      Job j = Remote.waitForJob(ctx, client, id, "job", timeout == null ? null
          : Duration.ofSeconds(timeout));
      ctx.out().println(Remote.describe(j));
      if (j.state() == JobState.SUCCEEDED && out != null) {
        ctx.out().println(save(ctx, client, j, out, data));
      }
      ctx.out().flush();
      return j.state() == JobState.SUCCEEDED ? CliErrors.OK : CliErrors.FAILURE;
    }
  }

  /** {@code veil job cancel}. */
  @Command(
      name = "cancel",
      description = "Cancel a job of yours: a queued one at once, a running one at its next "
          + "step; its held price is released.")
  static final class Cancel implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "The job (job_...).")
    String id;

    @Mixin Remote.Options remote;

    @Mixin RemoteCommand standard;

    @Override
    public Integer call() throws Exception {
      CliContext ctx = CliContext.of(spec);
      Job j = Remote.client(ctx, remote).cancelJob(id);
      ctx.out().println(j.state() == JobState.CANCELLED ? "cancelled " + Remote.describe(j)
          : "cancellation requested: " + Remote.describe(j));
      ctx.out().flush();
      return CliErrors.OK;
    }
  }

  /** {@code veil job list}. */
  @Command(
      name = "list",
      description = "List your jobs (and training jobs on your data sets), newest first.")
  static final class ListJobs implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--state", paramLabel = "STATE", converter = StateConverter.class,
        description = "Only jobs in this state: queued, running, succeeded, failed, cancelled.")
    JobState state;

    @Mixin Remote.Options remote;

    @Mixin JsonOutput json;

    /** Case-insensitive job states. */
    static final class StateConverter implements ITypeConverter<JobState> {
      @Override
      public JobState convert(String value) {
        try {
          return JobState.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw new TypeConversionException("unknown state '" + value + "': choose queued,"
              + " running, succeeded, failed or cancelled");
        }
      }
    }

    @Mixin RemoteCommand standard;

    @Override
    public Integer call() throws Exception {
      CliContext ctx = CliContext.of(spec);
      return Remote.printList(ctx, json, Remote.client(ctx, remote).listJobs(state, false, Integer.MAX_VALUE),
          "no jobs",
          new String[] {"ID", "KIND", "STATE", "PROGRESS", "PRICE", "CREATED"},
          j -> new String[] {j.id(),
              j.kind().name().toLowerCase(Locale.ROOT), j.state().name(), j.progress() + "%",
              "" + j.price(), String.valueOf(j.createdAt())});
    }
  }

  /** {@code veil job result}. */
  @Command(
      name = "result",
      sortOptions = false,
      description = {
        "Download a succeeded job's result for veil decrypt: a training job's as an encrypted "
            + "model directory (meta.json, weights.ct; the buyer who paid or the data owner may "
            + "download it, only the data owner can decrypt it), an inference job's as "
            + "encrypted predictions (meta.json, out-000-BBBBB.ct; give --data, the rows it ran "
            + "on)."
      })
  static final class Result implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "The job (job_...).")
    String id;

    @Option(names = "--out", required = true, paramLabel = "DIR",
        description = "The directory to write (must not exist or be empty).")
    Path out;

    @Option(names = "--data", paramLabel = "DIR",
        description = "Inference jobs: the rows directory the job ran on.")
    Path data;

    @Mixin Remote.Options remote;

    @Mixin RemoteCommand standard;

    @Override
    public Integer call() throws Exception {
      CliContext ctx = CliContext.of(spec);
      VeilClient client = Remote.client(ctx, remote);
      Job j = client.getJob(id);
      if (j.kind() == JobKind.TRAINING && data != null) {
        throw new ParameterException(spec.commandLine(), "Option '--data' applies to inference"
            + " jobs; " + id + " is a training job");
      }
      ctx.out().println(save(ctx, client, j, out, data));
      ctx.out().flush();
      return CliErrors.OK;
    }
  }
}
