package dev.veil.he.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.veil.he.rlwe.DecryptionBudgetExhaustedException;
import dev.veil.he.rlwe.FloodingPolicy;

/**
 * The shared-decryption budget of a secret key, persisted beside it: the file {@value #FILE} in
 * the key directory, holding the SHA-256 of the secret key file it belongs to, the flooding
 * policy's statistical security s and its number tau of shared decryptions (the {@link
 * FloodingPolicy} is sized for exactly tau), and how many have been made.
 *
 * <p>{@link #charge} is what a caller does before it releases a decrypted value that leaves the
 * key holder: under an exclusive lock on {@value #LOCK_FILE} (so that two processes cannot both
 * spend the last decryption) it re-reads the file, refuses when the budget would be exceeded
 * ({@link DecryptionBudgetExhaustedException}), and otherwise writes the new count atomically
 * (temporary file, fsync, atomic rename) before it returns.
 *
 * <p>The count travels with the key: copying the key directory copies the file and resets
 * nothing, and a budget file whose digest is not the secret key's, or a key directory without
 * one, is refused ({@link FormatException}) rather than read as a fresh budget. What it cannot
 * prevent: a key holder who deletes or edits the file, or decrypts with other tools. It protects
 * the key holder against mistakes (one decryption too many, a copied key directory) and against a
 * compromised front-end that asks for decryptions, not against the key holder.
 *
 * <p>Format ({@value #FORMAT}), one JSON object: {@code {"format", "secretKeySha256",
 * "securityBits", "sharedDecryptions", "used"}}. Instances are cheap handles: every method reads
 * the file again; thread-safe.
 */
public final class DecryptionBudget {
  /** The budget file, beside the secret key. */
  public static final String FILE = "decryptions.json";
  /** The lock file {@link #charge} locks (never renamed, so every process locks the same one). */
  public static final String LOCK_FILE = "decryptions.lock";
  /** The secret key file the budget belongs to, in the same directory. */
  public static final String SECRET_KEY_FILE = "secret.key";
  /** The format tag. */
  public static final String FORMAT = "veil-decryptions/1";
  /** Most shared decryptions a budget may declare. */
  public static final long MAX_DECRYPTIONS = 1L << 40;
  private static final int MAX_FILE_BYTES = 4096;

  private static final Pattern SHAPE = Pattern.compile(
      "\\s*\\{\\s*\"format\"\\s*:\\s*\"([^\"]*)\"\\s*,\\s*\"secretKeySha256\"\\s*:"
          + "\\s*\"([0-9a-f]{64})\""
          + "\\s*,\\s*\"securityBits\"\\s*:\\s*(\\d{1,3})\\s*,\\s*\"sharedDecryptions\"\\s*:\\s*"
          + "(\\d{1,19})\\s*,\\s*\"used\"\\s*:\\s*(\\d{1,19})\\s*}\\s*");

  private final Path dir;

  /** What the file says. */
  private record State(String keyDigest, int securityBits, long limit, long used) {}

  private DecryptionBudget(Path dir) {
    this.dir = dir;
  }

  /**
   * Creates the budget of a new key: {@code sharedDecryptions} decryptions at {@code
   * securityBits}, none used, bound to the secret key file already written in {@code keyDir}.
   *
   * @throws IllegalArgumentException if the policy is invalid (see {@link FloodingPolicy}) or the
   *     directory already holds a budget
   */
  public static DecryptionBudget create(Path keyDir, int securityBits, long sharedDecryptions)
      throws IOException {
    new FloodingPolicy(securityBits, 0, sharedDecryptions); // validates s and tau
    if (sharedDecryptions > MAX_DECRYPTIONS) {
      throw new IllegalArgumentException("at most " + MAX_DECRYPTIONS + " shared decryptions, got "
          + sharedDecryptions);
    }
    Path file = keyDir.resolve(FILE);
    if (Files.exists(file)) {
      throw new IllegalArgumentException(file + " exists: a key has one budget, never a fresh one");
    }
    write(keyDir, new State(digest(keyDir), securityBits, sharedDecryptions, 0));
    return new DecryptionBudget(keyDir);
  }

  /**
   * The budget of the key in {@code keyDir}, checked: the file exists, is well formed, and
   * belongs to the secret key there.
   *
   * @throws FormatException if the file is missing, malformed, or another key's
   */
  public static DecryptionBudget open(Path keyDir) throws IOException {
    DecryptionBudget b = new DecryptionBudget(keyDir);
    b.read();
    return b;
  }

  /** The key directory. */
  public Path directory() {
    return dir;
  }

  /** The statistical security s of the flooding this key's decryptions get. */
  public int securityBits() throws IOException {
    return read().securityBits();
  }

  /** tau: the shared decryptions the key may ever make. */
  public long limit() throws IOException {
    return read().limit();
  }

  /** The shared decryptions made so far (as the file says now). */
  public long used() throws IOException {
    return read().used();
  }

  /** {@code limit() - used()}. */
  public long remaining() throws IOException {
    State s = read();
    return s.limit() - s.used();
  }

  /** The key's flooding policy (s, tau) for a ciphertext whose noise is below {@code 2^bits}. */
  public FloodingPolicy policy(double noiseBoundBits) throws IOException {
    State s = read();
    return new FloodingPolicy(s.securityBits(), noiseBoundBits, s.limit());
  }

  /**
   * Spends {@code n} shared decryptions: under the exclusive lock, checks that they fit and
   * writes the new count atomically before returning. Call it before a decrypted value is
   * released; a decryption that then fails stays counted.
   *
   * @return the count after the charge
   * @throws DecryptionBudgetExhaustedException if fewer than n remain (nothing is written)
   * @throws FormatException if the file is missing, malformed, or another key's
   */
  public long charge(long n) throws IOException {
    if (n < 1) {
      throw new IllegalArgumentException("charge at least one decryption, got " + n);
    }
    try (FileChannel ch = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
        FileLock lock = ch.lock()) {
      State s = read();
      if (n > s.limit() - s.used()) {
        throw new DecryptionBudgetExhaustedException(String.format(Locale.ROOT,
            "the key in %s has made %d of its %d shared decryptions; %d more would exceed the"
                + " budget its flooding was sized for (make a new key pair for more)", dir,
            s.used(), s.limit(), n));
      }
      State next = new State(s.keyDigest(), s.securityBits(), s.limit(), s.used() + n);
      write(dir, next);
      return next.used();
    }
  }

  private State read() throws IOException {
    Path file = dir.resolve(FILE);
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new FormatException(file + ": not a decryption budget (too large)");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new FormatException("no decryption budget " + file + " beside the secret key: refusing"
          + " to share decryptions, since a missing count would start again at 0 (restore the"
          + " file from the key directory's backup; keys made by veil keygen have one)");
    }
    Matcher m = SHAPE.matcher(new String(bytes, StandardCharsets.UTF_8));
    if (!m.matches() || !FORMAT.equals(m.group(1))) {
      throw new FormatException(file + ": not a decryption budget of format " + FORMAT
          + " (edited or damaged?): refusing to share decryptions under this key");
    }
    State s;
    try {
      s = new State(m.group(2), Integer.parseInt(m.group(3)), Long.parseLong(m.group(4)),
          Long.parseLong(m.group(5)));
      new FloodingPolicy(s.securityBits(), 0, s.limit());
    } catch (IllegalArgumentException e) {
      throw new FormatException(file + ": " + e.getMessage());
    }
    if (s.used() > s.limit()) {
      throw new FormatException(file + ": used " + s.used() + " of " + s.limit());
    }
    if (!s.keyDigest().equals(digest(dir))) {
      throw new FormatException(file + " belongs to another secret key than " + dir.resolve(
          SECRET_KEY_FILE) + ": refusing (a key's budget is never replaced by another's)");
    }
    return s;
  }

  private static void write(Path dir, State s) throws IOException {
    String json = String.format(Locale.ROOT, "{\"format\": \"%s\", \"secretKeySha256\": \"%s\","
        + " \"securityBits\": %d, \"sharedDecryptions\": %d, \"used\": %d}%n", FORMAT,
        s.keyDigest(), s.securityBits(), s.limit(), s.used());
    VeilIO.writeAtomically(dir.resolve(FILE),
        out -> out.write(json.getBytes(StandardCharsets.UTF_8)));
    // the rename itself is durable once the directory is forced (where the platform allows it)
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException notOnThisPlatform) {
      // e.g. Windows cannot open a directory; the file itself was forced before the rename
    }
  }

  private static String digest(Path dir) throws IOException {
    Path key = dir.resolve(SECRET_KEY_FILE);
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(Files.readAllBytes(key)));
    } catch (NoSuchFileException e) {
      throw new FormatException("no secret key " + key + " for the decryption budget");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
