package dev.veil.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.veil.cli.VeilCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code veil serve}: found by the command line through its service provider, run and stopped. */
class ServeCommandTest {
  @TempDir Path dir;

  /** A running serve command with its captured output. */
  private static final class Running {
    final ServeCommand command = new ServeCommand();
    final StringWriter out = new StringWriter();
    final AtomicInteger exit = new AtomicInteger(-1);
    final Thread thread;

    Running(String... args) {
      CommandLine cl = new CommandLine(command).setOut(new PrintWriter(out, true));
      thread = new Thread(() -> exit.set(cl.execute(args)), "serve-test");
      thread.start();
    }

    synchronized String output() {
      return out.toString();
    }

    String url() throws InterruptedException {
      Pattern p = Pattern.compile("listening on (http://\\S+)");
      long deadline = System.currentTimeMillis() + 60_000;
      while (System.currentTimeMillis() < deadline) {
        Matcher m = p.matcher(output());
        if (m.find()) {
          return m.group(1);
        }
        if (!thread.isAlive()) {
          throw new AssertionError("serve ended with " + exit.get() + ": " + output());
        }
        Thread.sleep(50);
      }
      throw new AssertionError("serve did not start: " + output());
    }

    int stop() throws InterruptedException {
      command.stopped.countDown();
      thread.join(30_000);
      return exit.get();
    }
  }

  private static int status(String url) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void veilHasAServeCommandThroughItsServiceProvider() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CommandLine cl = VeilCli.commandLine(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertThat(cl.getSubcommands()).containsKey("serve");
    assertThat(cl.execute("serve", "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: veil serve", "--port",
        "--data", "--jdbc-url");
  }

  @Test
  void serveStartsPrintsTheUrlAndTheOperatorPasswordOnceAndStopsCleanly() throws Exception {
    Path data = dir.resolve("veil-data");
    Running first = new Running("--port", "0", "--data", data.toString());
    String url = first.url();
    assertThat(status(url + "/api/health")).isEqualTo(200);
    assertThat(first.output()).contains("API docs: " + url + "/api/docs")
        .containsPattern("Created the operator account 'operator' with password \\S{24}");
    assertThat(first.stop()).isZero();
    assertThat(Files.list(data.resolve("db")).toList()).isNotEmpty();

    Running second = new Running("--port", "0", "--data", data.toString());
    String url2 = second.url();
    assertThat(status(url2 + "/api/me")).isEqualTo(401);
    assertThat(second.output()).doesNotContain("password");
    assertThat(second.stop()).isZero();
  }

  @Test
  void theFeeAndTheJobWorkersAreOptionsAndBadValuesAreBadInput() throws Exception {
    Running r = new Running("--port", "0", "--data", dir.resolve("d").toString(),
        "--fee-percent", "12.5", "--job-workers", "3", "--job-threads", "1");
    r.url();
    assertThat(r.command.app().config().feeBasisPoints()).isEqualTo(1250);
    assertThat(r.command.app().config().jobWorkers()).isEqualTo(3);
    assertThat(r.command.app().config().jobThreads()).isEqualTo(1);
    assertThat(r.stop()).isZero();
    String[][] bad = {{"--fee-percent", "101"}, {"--fee-percent", "1.234"},
        {"--fee-percent", "-1"}, {"--job-workers", "0"}, {"--job-threads", "0"}};
    for (String[] b : bad) {
      StringWriter err = new StringWriter();
      CommandLine cl = new CommandLine(new ServeCommand()).setErr(new PrintWriter(err, true));
      assertThat(cl.execute(b[0], b[1], "--data", dir.toString())).as(b[0] + " " + b[1])
          .isEqualTo(2);
      assertThat(err.toString()).contains(b[0]);
    }
  }

  @Test
  void anInvalidPortIsBadInput() {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new ServeCommand()).setErr(new PrintWriter(err, true));
    assertThat(cl.execute("--port", "70000", "--data", dir.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--port", "70000");
  }
}
