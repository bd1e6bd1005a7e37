package dev.veil.cli.credentials;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Where {@code veil login} keeps the server's URL and the API token: {@code credentials.json} in
 * the configuration directory ({@code --config-dir}, else {@code $VEIL_HOME}, else {@code
 * ~/.veil}), readable by its owner only (600, in a directory of 700, on file systems with POSIX
 * permissions). The file is written to a temporary file with those permissions and moved into
 * place, so it is never seen half-written or readable by others.
 */
public final class Credentials {
  private Credentials() {}

  public static final String FILE = "credentials.json";
  static final String ENV_HOME = "VEIL_HOME";

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final Set<PosixFilePermission> FILE_600 =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> DIR_700 =
      PosixFilePermissions.fromString("rwx------");

  /**
   * What {@code veil login} saved.
   *
   * @param server the server's base URL
   * @param username the account
   * @param token the API token ({@code veil_...})
   * @param savedAt when, ISO-8601
   */
  public record Saved(String server, String username, String token, String savedAt) {
    /** Never shows the token. */
    @Override
    public String toString() {
      return "Saved[" + server + ", " + username + "]";
    }
  }

  /** The configuration directory: {@code option}, else $VEIL_HOME, else ~/.veil. */
  public static Path dir(Path option, Function<String, String> env) {
    if (option != null) {
      return option;
    }
    String home = env.apply(ENV_HOME);
    if (home != null && !home.isBlank()) {
      return Path.of(home.strip());
    }
    return Path.of(System.getProperty("user.home"), ".veil");
  }

  /**
   * The saved credentials, if any.
   *
   * @throws IllegalArgumentException if the file is not valid
   */
  public static Optional<Saved> read(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    Saved s;
    try (InputStream in = Files.newInputStream(file)) {
      s = JSON.readValue(in, Saved.class);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(file + ": not a valid credentials file ("
          + e.getOriginalMessage() + "); log in again with veil login");
    }
    if (s == null || s.server() == null || s.token() == null) {
      throw new IllegalArgumentException(file + ": no server or token; log in again with veil"
          + " login");
    }
    return Optional.of(s);
  }

  /** Saves the credentials (owner-only permissions), replacing earlier ones. */
  public static Path write(Path dir, Saved saved) throws IOException {
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    if (!Files.isDirectory(dir)) {
      if (posix) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_700));
      } else {
        Files.createDirectories(dir);
      }
    }
    Path file = dir.resolve(FILE);
    FileAttribute<?>[] attrs = posix
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_600)}
        : new FileAttribute<?>[0];
    Path tmp = Files.createTempFile(dir, "." + FILE + ".", ".tmp", attrs);
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        JSON.writeValue(out, saved);
      }
      if (posix) {
        Files.setPosixFilePermissions(tmp, FILE_600); // whatever the umask did
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    return file;
  }

  /** Deletes the saved credentials; whether there were any. */
  public static boolean delete(Path dir) throws IOException {
    return Files.deleteIfExists(dir.resolve(FILE));
  }

  /** The variable that names the server, over the saved one. */
  public static final String ENV_SERVER = "VEIL_SERVER";
  /** The variable that holds the API token, over the saved one. */
  public static final String ENV_TOKEN = "VEIL_TOKEN";

  /**
   * The server and token a remote command uses.
   *
   * @param server the base URL, or null
   * @param token the API token, or null
   * @param username the saved account name, or null
   */
  public record Target(String server, String token, String username) {
    /** Never shows the token. */
    @Override
    public String toString() {
      return "Target[" + server + ", " + username + "]";
    }
  }

  /**
   * The server and token from the environment and the saved credentials: the server is {@code
   * $VEIL_SERVER}, else the saved one; the token is {@code $VEIL_TOKEN}, else the saved one, but a
   * saved token only for the server it was issued by. Either may be null.
   */
  public static Target target(Path dir, Function<String, String> env) throws IOException {
    Optional<Saved> saved = read(dir);
    String envServer = blankToNull(env.apply(ENV_SERVER));
    String envToken = blankToNull(env.apply(ENV_TOKEN));
    String server = envServer != null ? envServer : saved.map(Saved::server).orElse(null);
    String token = envToken;
    String user = null;
    if (saved.isPresent() && sameServer(saved.get().server(), server)) {
      user = saved.get().username();
      if (token == null) {
        token = saved.get().token();
      }
    }
    return new Target(server, token, user);
  }

  /** Whether two base URLs name the same server (case and trailing slashes aside). */
  public static boolean sameServer(String a, String b) {
    return a != null && b != null && strip(a).equalsIgnoreCase(strip(b));
  }

  private static String strip(String url) {
    String u = url.strip();
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    return u;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
