package dev.veil.cli;

import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;

import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.CliErrors;
import dev.veil.cli.core.VeilVersion;
import dev.veil.cli.local.DecryptCommand;
import dev.veil.cli.local.DemoCommand;
import dev.veil.cli.local.EncryptCommand;
import dev.veil.cli.local.EvaluateCommand;
import dev.veil.cli.local.KeygenCommand;
import dev.veil.cli.local.PredictCommand;
import dev.veil.cli.local.SchemaCommand;
import dev.veil.cli.nn.NnCommand;
import dev.veil.cli.program.BenchCommand;
import dev.veil.cli.program.VersionCommand;
import dev.veil.cli.remote.AuditCommand;
import dev.veil.cli.remote.BalanceCommand;
import dev.veil.cli.remote.DatasetCommand;
import dev.veil.cli.remote.InferCommand;
import dev.veil.cli.remote.InputsCommand;
import dev.veil.cli.remote.JobCommand;
import dev.veil.cli.remote.KeysCommand;
import dev.veil.cli.remote.LoginCommand;
import dev.veil.cli.remote.LogoutCommand;
import dev.veil.cli.remote.ModelCommand;
import dev.veil.cli.remote.PasswordCommand;
import dev.veil.cli.remote.RegisterCommand;
import dev.veil.cli.remote.TokensCommand;
import dev.veil.cli.remote.TrainCommand;
import dev.veil.cli.spi.CommandProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * The {@code veil} command line: the top command and the program's entry point.
 *
 * <p>Each command is one class, in the sub-package of its concern: {@code dev.veil.cli.local} for
 * the file-based workflow (keygen, encrypt, decrypt, predict...), {@code dev.veil.cli.remote} for
 * the commands that talk to a server (login, dataset, train, infer...), {@code
 * dev.veil.cli.program} for the program itself (version, the bench group), {@code
 * dev.veil.cli.nn} for neural networks (the nn group: train). A new top-level
 * command is a class annotated with {@code @Command} that implements {@code Callable<Integer>},
 * listed in {@code subcommands} below; a group of commands (like {@code bench}) is a command
 * whose own {@code subcommands} list its members. Commands write to {@link CliContext#out()} and
 * take the services they call from {@link #context(CommandSpec)}, never from static state, so
 * that tests can run them with captured streams and fakes. Failures are turned into one-line
 * messages and exit codes in one place, {@link CliErrors}: a command throws {@code
 * ParameterException} for bad input and lets {@code IllegalArgumentException} and {@code
 * IOException} propagate.
 *
 * <p>The remote commands ({@code login}, {@code dataset}, {@code job}...) talk to a Veil server
 * through the SDK ({@link dev.veil.client.VeilClient}), with the server and token that {@code veil
 * login} saved ({@code dev.veil.cli.credentials}) or {@code VEIL_SERVER} and {@code VEIL_TOKEN}
 * ({@code dev.veil.cli.remote.Remote}).
 *
 * <p>Modules above the command line add their commands through {@link CommandProvider}: the
 * server's {@code veil serve}, veil-bench's {@code veil bench ckks|helr|iris|server}. They are
 * found on the class path with {@link ServiceLoader}.
 */
@Command(
    name = "veil",
    mixinStandardHelpOptions = true,
    versionProvider = VeilVersion.class,
    description = "Veil: machine learning on homomorphically encrypted data.",
    subcommands = {
      VersionCommand.class, KeygenCommand.class, EncryptCommand.class, TrainCommand.class,
      DecryptCommand.class, PredictCommand.class, EvaluateCommand.class, SchemaCommand.class,
      DemoCommand.class, BenchCommand.class, LoginCommand.class, LogoutCommand.class,
      RegisterCommand.class, KeysCommand.class, DatasetCommand.class, ModelCommand.class,
      InferCommand.class, JobCommand.class, BalanceCommand.class, AuditCommand.class,
      TokensCommand.class, InputsCommand.class, PasswordCommand.class, NnCommand.class,
      HelpCommand.class
    },
    exitCodeListHeading = CliErrors.EXIT_CODES_HEADING,
    exitCodeList = {CliErrors.EXIT_OK, CliErrors.EXIT_FAILURE, CliErrors.EXIT_BAD_INPUT},
    footer = {
      "",
      "JVM options: the ./veil launcher passes $VEIL_JAVA_OPTS to java "
          + "(default: -Xmx of half the machine's memory, -XX:+UseParallelGC)."
    })
public final class VeilCli implements Callable<Integer>, CliContext.Holder {
  @Spec CommandSpec spec;

  private final CliContext context;

  VeilCli(CliContext context) {
    this.context = context;
  }

  /** The program: runs the command line on the process's streams and exits with its code. */
  public static void main(String[] args) {
    int code;
    try {
      code = commandLine(System.out, System.err).execute(args);
    } catch (OutOfMemoryError e) {
      System.err.printf(
          "veil: out of memory (maximum heap %d MiB); give the JVM more, e.g. "
              + "VEIL_JAVA_OPTS=-Xmx16g, or choose smaller parameters%n",
          Runtime.getRuntime().maxMemory() >> 20);
      code = CliErrors.FAILURE;
    }
    System.exit(code);
  }

  /** The command line writing to {@code out} and {@code err}, with the real services. */
  public static CommandLine commandLine(PrintStream out, PrintStream err) {
    return commandLine(new CliContext(out, err));
  }

  /**
   * The command line with its own standard input and environment instead of the process's: for
   * embedding and tests ({@code env} replaces the whole environment, e.g. {@code VEIL_SERVER},
   * {@code VEIL_TOKEN}, {@code VEIL_HOME}).
   */
  public static CommandLine commandLine(PrintStream out, PrintStream err, InputStream in,
      Map<String, String> env) {
    Map<String, String> copy = Map.copyOf(env);
    return commandLine(new CliContext(out, err, in, copy::get));
  }

  /** The command line in {@code context}, with the commands of the providers on the class path. */
  public static CommandLine commandLine(CliContext context) {
    return commandLine(context, ServiceLoader.load(CommandProvider.class));
  }

  /** The command line with the commands of {@code providers} added to the built-in ones. */
  public static CommandLine commandLine(CliContext context,
      Iterable<CommandProvider> providers) {
    CliErrors errors = new CliErrors();
    CommandLine cl = new CommandLine(new VeilCli(context));
    CommandLine bench = cl.getSubcommands().get("bench");
    for (CommandProvider provider : providers) {
      addNew(cl, provider.commands());
      addNew(bench, provider.benchCommands());
    }
    // set after adding, so that the added commands share the streams, the error handling and
    // the colours (none unless standard error is a terminal: no escape code in a log)
    return cl
        .setColorScheme(CommandLine.Help.defaultColorScheme(
            context.terminal() ? CommandLine.Help.Ansi.AUTO : CommandLine.Help.Ansi.OFF))
        .setOut(writer(context.out()))
        .setErr(writer(context.err()))
        .setParameterExceptionHandler(errors)
        .setExecutionExceptionHandler(errors);
  }

  /** Adds the commands whose names are still free under {@code parent}. */
  private static void addNew(CommandLine parent, List<Object> commands) {
    for (Object command : commands) {
      CommandLine sub = new CommandLine(command);
      if (!parent.getSubcommands().containsKey(sub.getCommandName())) {
        parent.addSubcommand(sub);
      }
    }
  }

  @Override
  public CliContext context() {
    return context;
  }

  /** {@code veil} alone: a usage error. */
  @Override
  public Integer call() {
    throw CliErrors.missingSubcommand(spec);
  }

  private static PrintWriter writer(PrintStream stream) {
    return new PrintWriter(new OutputStreamWriter(stream, Charset.defaultCharset()), true);
  }
}
