package dev.veil.cli.remote;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.CliErrors;
import dev.veil.cli.credentials.Credentials;
import dev.veil.client.VeilApiException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code veil logout}: revokes the saved token and forgets it. */
@Command(
    name = "logout",
    description = {
      "Revoke the token in use on the server and delete the saved credentials."
    })
public final class LogoutCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin Remote.Options remote;

  @Mixin RemoteCommand standard;

  @Override
  public Integer call() throws Exception {
    CliContext ctx = CliContext.of(spec);
    Remote.Target t = Remote.target(ctx, remote);
    if (t.server() != null && t.token() != null) {
      try {
        Remote.client(ctx, remote).logout();
      } catch (VeilApiException e) {
        if (e.status() != 401) {
          throw e;
        }
        // already revoked or expired: forgetting it is all that is left
      }
    }
    Path dir = Remote.configDir(ctx, remote);
    boolean deleted = Credentials.delete(dir);
    ctx.out().println(t.server() == null ? "not logged in" : "logged out of " + t.server()
        + (deleted ? "; removed " + dir.resolve(Credentials.FILE) : ""));
    ctx.out().flush();
    return CliErrors.OK;
  }
}
