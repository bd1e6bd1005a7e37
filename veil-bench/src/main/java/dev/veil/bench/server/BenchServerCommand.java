package dev.veil.bench.server;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veil.cli.core.Opts;
import dev.veil.server.app.ServeCommands;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code veil bench server}: the platform server's upload throughput and end-to-end encrypted
 * inference throughput ({@link ServerBenchmark}). Added under {@code veil bench} through {@link
 * ServeCommands}. The JSON fields {@code upload.mbPerSecond1}, {@code upload.mbPerSecond8},
 * {@code inference.requestsPerSecond}, {@code rowsPerSecond}, {@code inProcessRowsPerSecond} and
 * {@code ratio} are a contract (issue 4), and so are {@code inference.worker.rowsPerSecond} and
 * {@code inference.worker.ratio} (issue 9: the same requests on listings that are not hosted,
 * served by remote workers over loopback, divided by the same in-process figure): scripts read
 * them.
 */
@Command(
    name = "server",
    sortOptions = false,
    description = {
      "Benchmark the platform server: upload throughput and memory, and end-to-end encrypted"
          + " inference beside the same computation in-process.",
      "The server runs in this process (port 0, a temporary data directory with the embedded"
          + " database, deleted at the end) and is measured over HTTP:",
      "  - uploads of an encrypted data set's parts (N = 2^15 ciphertexts of 6.7 MB) by one and"
          + " by eight concurrent clients, in MB/s (10^6 bytes), and the JVM's heap for a small"
          + " and a large upload;",
      "  - buyers at once, each request uploading a batch of encrypted rows, buying degree-3"
          + " probabilities of an 18-feature logistic model, following the job by server-sent"
          + " events and downloading the sanitised result: requests and rows per second, beside"
          + " the rows per second of the same computation in-process, and their ratio;",
      "  - the same requests on listings that are not hosted, served by as many remote workers"
          + " (veil worker, in this process) claiming over loopback HTTP: rows per second and"
          + " their ratio to the same in-process figure.",
      "Progress goes to standard error, the tables to standard output."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:failure (the server refused a request, an I/O error)",
        "2:bad input (unknown option, invalid value)"})
public final class BenchServerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = "--upload-mb", paramLabel = "MB", defaultValue = "256",
      description = "Megabytes (10^6 bytes) uploaded in each timed upload run (default:"
          + " ${DEFAULT-VALUE}).")
  long uploadMb;

  @Option(names = "--large-upload-mb", paramLabel = "MB", defaultValue = "1024",
      description = "Megabytes of the large upload by eight clients whose peak heap is compared"
          + " with the runs of --upload-mb; 0 for none (default: ${DEFAULT-VALUE}).")
  long largeUploadMb;

  @Option(names = "--buyers", paramLabel = "B", defaultValue = "8",
      description = "Concurrent buyers (default: ${DEFAULT-VALUE}).")
  int buyers;

  @Option(names = "--requests", paramLabel = "N", defaultValue = "4",
      description = "Requests of each buyer per round; also the model's query budget, whose"
          + " rows set the flooding of the results (default: ${DEFAULT-VALUE}).")
  int requests;

  @Option(names = "--rows", paramLabel = "R",
      description = "Rows per request, 1 to the slots of the inference parameters (default: a"
          + " full batch, all slots).")
  Integer rows;

  @Option(names = "--row-encryption", paramLabel = "KEY", defaultValue = "secret",
      description = "How buyers encrypt their rows: secret (seeded ciphertexts, half the bytes)"
          + " or public (default: ${DEFAULT-VALUE}).")
  String rowEncryption;

  @Option(names = "--repeat", paramLabel = "R", defaultValue = "3",
      description = "Runs of each upload measurement and rounds of inference; medians are"
          + " reported (default: ${DEFAULT-VALUE}).")
  int repeat;

  @Option(names = "--warmup-seconds", paramLabel = "S", defaultValue = "90",
      description = "The most time the inference warm-up may take: rounds run until the JIT"
          + " compilers settle, at most 20 (default: ${DEFAULT-VALUE}).")
  int warmupSeconds;

  @Option(names = "--json", paramLabel = "FILE",
      description = "Also write the report to FILE as JSON (missing parent directories are"
          + " created).")
  Path json;

  private final ServerBenchmark.Profile profile;

  /** The standard profile: N = 2^15 uploads, 128-bit-secure inference parameters. */
  public BenchServerCommand() {
    this(null);
  }

  /** With other parameters (tests: small insecure ones); null for the standard profile. */
  BenchServerCommand(ServerBenchmark.Profile profile) {
    this.profile = profile;
  }

  @Override
  public Integer call() throws IOException {
    atLeast("--upload-mb", uploadMb, 1);
    atLeast("--large-upload-mb", largeUploadMb, 0);
    atLeast("--buyers", buyers, 1);
    atMost("--buyers", buyers, 64);
    atLeast("--requests", requests, 1);
    atLeast("--repeat", repeat, 1);
    atMost("--repeat", repeat, 100);
    atLeast("--warmup-seconds", warmupSeconds, 0);
    boolean secretKeyRows = switch (rowEncryption.strip().toLowerCase(Locale.ROOT)) {
      case "secret" -> true;
      case "public" -> false;
      default -> throw Opts.invalid(spec, "--row-encryption", "must be secret or public, got '" + rowEncryption
          + "'");
    };
    Path report = json == null ? null : writableFile(json);
    ServerBenchmark.Profile p = profile != null ? profile : ServerBenchmark.Profile.standard();
    int slots = p.inference().slots();
    int r = rows == null ? slots : rows;
    if (r < 1 || r > slots) {
      throw Opts.invalid(spec, "--rows", "must be 1 to " + slots + " (the slots of the inference parameters),"
          + " got " + r);
    }
    ServerBenchmark.Config config = new ServerBenchmark.Config(uploadMb * ServerBenchmark.MB,
        largeUploadMb * ServerBenchmark.MB, repeat, buyers, requests, r, secretKeyRows,
        warmupSeconds, p);
    PrintWriter outWriter = spec.commandLine().getOut();
    PrintWriter errWriter = spec.commandLine().getErr();
    PrintStream out = stream(outWriter);
    PrintStream err = stream(errWriter);
    ObjectNode root = ServerBenchmark.run(config, out, err);
    if (report != null) {
      ServerBenchmark.writeJson(root, report);
      err.println("wrote " + report);
    }
    out.flush();
    err.flush();
    return 0;
  }

  private void atLeast(String option, long value, long min) {
    if (value < min) {
      throw Opts.invalid(spec, option, "must be at least " + min + ", got " + value);
    }
  }

  private void atMost(String option, long value, long max) {
    if (value > max) {
      throw Opts.invalid(spec, option, "must be at most " + max + ", got " + value);
    }
  }

  /** Creates the missing parent directories and refuses a directory or an unwritable path. */
  private Path writableFile(Path file) {
    Path target = file.toAbsolutePath().normalize();
    if (Files.isDirectory(target)) {
      throw Opts.invalid(spec, "--json", "'" + file + "' is a directory");
    }
    Path dir = target.getParent();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw Opts.invalid(spec, "--json", "cannot create directory '" + dir + "' (" + e.getMessage() + ")");
    }
    if (!Files.isWritable(dir)) {
      throw Opts.invalid(spec, "--json", "directory '" + dir + "' is not writable");
    }
    return target;
  }


  /** A PrintStream onto picocli's writer (the benchmark prints through PrintStreams). */
  private static PrintStream stream(PrintWriter w) {
    return new PrintStream(new java.io.OutputStream() {
      @Override
      public void write(int b) {
        w.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        w.write(new String(b, off, len, Charset.defaultCharset()));
      }

      @Override
      public void flush() {
        w.flush();
      }
    }, true, Charset.defaultCharset());
  }
}
