package dev.veil.cli.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

import dev.veil.client.VeilApiException;
import dev.veil.client.VeilConnectionException;
import dev.veil.client.VeilException;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;
import picocli.CommandLine;

/**
 * The one place where failures become messages and exit codes, for every command.
 *
 * <ul>
 *   <li>Bad input (an unknown option or subcommand, an invalid value, a path that cannot be
 *       written; commands report these by throwing {@link ParameterException}) and an {@link
 *       IllegalArgumentException} from the code a command calls: one line on standard error,
 *       exit code {@value #BAD_INPUT}.
 *   <li>An {@link IOException} (or {@link UncheckedIOException}): one line, exit code {@value
 *       #FAILURE}.
 *   <li>A refusal by a Veil server ({@link VeilApiException}): the server's message in one line,
 *       exit code {@value #BAD_INPUT} for a 4xx (what was asked: a bad value, no or a wrong
 *       token, a missing object, no funds), {@value #FAILURE} for a 5xx. A server that cannot be
 *       reached ({@link VeilConnectionException}) or another failed exchange ({@link
 *       VeilException}): one line, exit code {@value #FAILURE}.
 *   <li>Anything else is a bug: picocli prints the stack trace, exit code {@value #FAILURE}.
 * </ul>
 *
 * <p>Each message starts with the command's full name, e.g. {@code veil bench ckks: ...}.
 */
public final class CliErrors implements IParameterExceptionHandler, IExecutionExceptionHandler {
  public static final int OK = 0;
  public static final int FAILURE = 1;
  public static final int BAD_INPUT = 2;

  // For the exit-code section of the help (annotation values must be constants).
  public static final String EXIT_CODES_HEADING = "%nExit codes:%n";
  public static final String EXIT_OK = "0:success";
  public static final String EXIT_FAILURE = "1:failure (an I/O error, a failed run, a bug)";
  public static final String EXIT_BAD_INPUT =
      "2:bad input (unknown option, invalid value, unusable path)";
  // The remote commands' exit codes.
  public static final String EXIT_REMOTE_FAILURE =
      "1:failure (server unreachable, a server error, a job that failed)";
  public static final String EXIT_REMOTE_BAD_INPUT =
      "2:bad input (invalid value, not logged in, refused by the server: 4xx)";

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    StringBuilder msg = new StringBuilder(String.valueOf(ex.getMessage()));
    if (ex instanceof UnmatchedArgumentException unmatched
        && !unmatched.getSuggestions().isEmpty()) {
      msg.append("; did you mean ").append(String.join(" or ", unmatched.getSuggestions()))
          .append('?');
    }
    msg.append(" (see '").append(cmd.getCommandSpec().qualifiedName()).append(" --help')");
    report(cmd, msg.toString());
    return cmd.getCommandSpec().exitCodeOnInvalidInput();
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult)
      throws Exception {
    if (ex instanceof IllegalArgumentException) {
      report(cmd, messageOf(ex));
      return BAD_INPUT;
    }
    if (ex instanceof VeilApiException api) {
      String hint = api.status() == 401 ? "; log in again (veil login) or check $VEIL_TOKEN" : "";
      report(cmd, api.getMessage() + hint);
      return api.isClientError() ? BAD_INPUT : FAILURE;
    }
    if (ex instanceof VeilConnectionException c) {
      report(cmd, c.getMessage() + "; is the server running, and is the URL right?");
      return FAILURE;
    }
    if (ex instanceof VeilException v) {
      report(cmd, messageOf(v));
      return FAILURE;
    }
    IOException io =
        ex instanceof UncheckedIOException unchecked
            ? unchecked.getCause()
            : ex instanceof IOException checked ? checked : null;
    if (io != null) {
      report(cmd, "I/O error: " + describe(io));
      return FAILURE;
    }
    throw ex;
  }

  /** The usage error of a command group called without one of its subcommands. */
  public static ParameterException missingSubcommand(CommandSpec spec) {
    return new ParameterException(
        spec.commandLine(),
        "missing subcommand, one of: " + String.join(", ", spec.subcommands().keySet()));
  }

  /** A short description of an I/O failure that names the file. */
  public static String describe(IOException e) {
    if (e instanceof NoSuchFileException f) {
      return "no such file or directory: " + f.getFile();
    }
    if (e instanceof AccessDeniedException f) {
      return "permission denied: " + f.getFile();
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason().toLowerCase(java.util.Locale.ROOT) + ": " + f.getFile();
    }
    return messageOf(e);
  }

  private static String messageOf(Exception e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  private static void report(CommandLine cmd, String message) {
    String oneLine = message.replaceAll("\\s*\\R\\s*", " ").strip();
    cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + oneLine);
    cmd.getErr().flush();
  }
}
