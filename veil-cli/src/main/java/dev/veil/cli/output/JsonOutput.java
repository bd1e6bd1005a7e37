package dev.veil.cli.output;

import java.io.IOException;
import java.io.PrintStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.veil.api.WireInstants;
import dev.veil.cli.core.CliContext;
import picocli.CommandLine.Option;

/**
 * The {@code --json} option of the commands a script parses (list, show, status, balance), as a
 * picocli mixin: with it, a command prints the SDK's record (or list of records) as JSON and
 * nothing else on standard output. Field names are the record components, i.e. the REST API's;
 * every field is present (null when absent), instants are ISO-8601 strings.
 */
public final class JsonOutput {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
      .addModule(WireInstants.module())
      .build();

  @Option(names = "--json",
      description = "Print the server's record as JSON (the REST API's field names) and nothing "
          + "else on standard output.")
  boolean json;

  /** Whether {@code --json} was given. */
  public boolean enabled() {
    return json;
  }

  /**
   * With {@code --json}: prints {@code value} as JSON on the context's standard output and
   * returns true; without, prints nothing and returns false (the command prints its table).
   */
  public boolean print(CliContext ctx, Object value) throws IOException {
    if (!json) {
      return false;
    }
    write(ctx.out(), value);
    return true;
  }

  /** Prints {@code value} as indented JSON and a newline. */
  public static void write(PrintStream out, Object value) throws IOException {
    out.println(MAPPER.writeValueAsString(value));
    out.flush();
  }
}
