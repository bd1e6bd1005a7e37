package dev.veil.cli.remote;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import dev.veil.api.Job;
import dev.veil.cli.core.CaOption;
import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.CliErrors;
import dev.veil.cli.credentials.Credentials;
import dev.veil.cli.output.Bars;
import dev.veil.cli.output.JsonOutput;
import dev.veil.cli.output.Progress;
import dev.veil.client.TlsOptions;
import dev.veil.client.TransferListener;
import dev.veil.client.VeilClient;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * What the remote commands share: which server and token to use, a client for them, passwords,
 * progress bars on transfers and jobs, and small table formatting.
 *
 * <p>The server is {@code $VEIL_SERVER}, else the one {@code veil login} saved; the token is
 * {@code $VEIL_TOKEN}, else the saved one, but a saved token is sent only to the server it was
 * issued by (with {@code VEIL_SERVER} pointing elsewhere, {@code VEIL_TOKEN} is needed too).
 */
final class Remote {
  private Remote() {}

  static final String ENV_SERVER = Credentials.ENV_SERVER;
  static final String ENV_TOKEN = Credentials.ENV_TOKEN;

  /** The options every remote command has ({@code @Mixin}): credentials, trusted CAs. */
  static final class Options {
    @Option(names = "--config-dir", paramLabel = "DIR",
        description = "Where veil login keeps credentials.json (default: $VEIL_HOME, else "
            + "~/.veil). $VEIL_SERVER and $VEIL_TOKEN override what is saved there.")
    Path configDir;

    @Mixin CaOption ca = new CaOption();
  }

  /** The certificates an https:// server's must chain to ({@code --ca}, {@code $VEIL_CA}). */
  static TlsOptions tls(CliContext ctx, Options o) {
    return o == null ? new CaOption().tls(ctx) : o.ca.tls(ctx);
  }

  /** The server and token a command uses (see {@link Credentials#target}). */
  record Target(String server, String token, String username) {}

  static Path configDir(CliContext ctx, Options o) {
    return Credentials.dir(o == null ? null : o.configDir, ctx.env());
  }

  /** The server and token from the environment and the saved credentials; either may be null. */
  static Target target(CliContext ctx, Options o) throws IOException {
    Credentials.Target t = Credentials.target(configDir(ctx, o), ctx.env());
    return new Target(t.server(), t.token(), t.username());
  }

  /**
   * A client for the server and token in use.
   *
   * @throws IllegalArgumentException if there is no server or no token (not logged in)
   */
  static VeilClient client(CliContext ctx, Options o) throws IOException {
    Target t = target(ctx, o);
    if (t.server() == null) {
      throw new IllegalArgumentException("not logged in: run veil login --server URL --username"
          + " NAME, or set " + ENV_SERVER + " and " + ENV_TOKEN);
    }
    if (t.token() == null) {
      throw new IllegalArgumentException("not logged in to " + t.server() + ": run veil login"
          + " --server " + t.server() + " --username NAME, or set " + ENV_TOKEN);
    }
    return VeilClient.builder(t.server()).token(t.token()).tls(tls(ctx, o)).build();
  }

  /** A client without a token (login, registration). */
  static VeilClient anonymous(CliContext ctx, Options o, String server) {
    return VeilClient.builder(server).tls(tls(ctx, o)).build();
  }

  /**
   * The server a login or registration goes to: {@code --server}, else {@code $VEIL_SERVER},
   * else the saved one.
   */
  static String server(CliContext ctx, Options o, String option, CommandSpec spec)
      throws IOException {
    if (option != null) {
      return option;
    }
    Target t = target(ctx, o);
    if (t.server() == null) {
      throw new ParameterException(spec.commandLine(), "Missing required option: "
          + "'--server=URL' (or set " + ENV_SERVER + ")");
    }
    return t.server();
  }

  /**
   * The password: the first line of standard input with {@code --password-stdin}, else asked on
   * the terminal.
   */
  static String password(CliContext ctx, boolean fromStdin, String prompt, CommandSpec spec)
      throws IOException {
    String pw;
    if (fromStdin) {
      BufferedReader r = new BufferedReader(new InputStreamReader(ctx.in(),
          StandardCharsets.UTF_8));
      pw = r.readLine();
      if (pw == null || pw.isEmpty()) {
        throw new ParameterException(spec.commandLine(), "--password-stdin: standard input"
            + " holds no password (the first line is read)");
      }
      return pw;
    }
    Console console = System.console();
    if (console == null) {
      throw new ParameterException(spec.commandLine(), "no terminal to ask for the password:"
          + " give it on standard input with --password-stdin");
    }
    char[] chars = console.readPassword("%s", prompt);
    if (chars == null || chars.length == 0) {
      throw new ParameterException(spec.commandLine(), "no password given");
    }
    return new String(chars);
  }

  /** A progress bar of bytes on standard error, for transfers. */
  static Progress bytesBar(CliContext ctx, String task) {
    return Bars.of(ctx).bytes(task);
  }

  /** A listener that moves a bar of bytes. */
  static TransferListener listener(Progress bar) {
    return (bytes, total) -> {
      if (total > 0 && bar.max() != total) {
        bar.maxHint(total);
      }
      bar.stepTo(bytes);
    };
  }

  /** Waits for a job with a bar of its progress (percent) and stage on standard error. */
  static Job waitForJob(CliContext ctx, VeilClient client, String jobId, String task,
      Duration timeout) {
    try (Progress bar = Bars.of(ctx).percent(task)) {
      Job job = client.waitForJob(jobId, e -> {
        bar.stepTo(e.progress());
        bar.note(e.stage() == null ? "" : e.stage());
      }, timeout);
      bar.stepTo(job.progress());
      bar.note(job.state().name().toLowerCase(Locale.ROOT));
      return job;
    }
  }

  /** One line about a job's state. */
  static String describe(Job j) {
    StringBuilder sb = new StringBuilder();
    sb.append(j.id()).append(": ").append(j.kind().name().toLowerCase(Locale.ROOT)).append(' ')
        .append(j.state()).append(", ").append(j.progress()).append("%");
    if (j.stage() != null && !j.stage().isBlank()) {
      sb.append(" (").append(j.stage()).append(')');
    }
    sb.append(", price ").append(j.price());
    if (j.error() != null) {
      sb.append(": ").append(j.error());
    }
    return sb.toString();
  }

  /**
   * What a {@code list} command prints: with {@code --json} the items as a JSON array; none: the
   * line {@code empty}; else a table of {@code header} and one row per item.
   *
   * @return the exit code, {@link CliErrors#OK}
   */
  static <T> int printList(CliContext ctx, JsonOutput json, List<T> items, String empty,
      String[] header, Function<T, String[]> row) throws IOException {
    if (json.print(ctx, items)) {
      return CliErrors.OK;
    }
    if (items.isEmpty()) {
      ctx.out().println(empty);
    } else {
      List<String[]> rows = new ArrayList<>();
      rows.add(header);
      for (T item : items) {
        rows.add(row.apply(item));
      }
      ctx.out().print(table(rows));
    }
    ctx.out().flush();
    return CliErrors.OK;
  }

  /** Left-aligned columns, two spaces apart. */
  static String table(List<String[]> rows) {
    if (rows.isEmpty()) {
      return "";
    }
    int[] w = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        w[i] = Math.max(w[i], r[i] == null ? 0 : r[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        String c = r[i] == null ? "" : r[i];
        line.append(c);
        if (i < r.length - 1) {
          line.append(" ".repeat(w[i] - c.length() + 2));
        }
      }
      sb.append(line.toString().stripTrailing()).append(System.lineSeparator());
    }
    return sb.toString();
  }
}
