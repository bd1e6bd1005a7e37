package dev.veil.server.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Password hashing with Argon2id (RFC 9106), through Bouncy Castle.
 *
 * <p>A hash is stored in the PHC string format, {@code $argon2id$v=19$m=19456,t=2,p=1$SALT$HASH}
 * (salt and hash in unpadded base64), so that it carries its own cost parameters: raising {@link
 * Params} later leaves old hashes verifiable, and {@link #needsRehash} tells the login to store a
 * new one. Each hash has a fresh 16-byte salt from {@link SecureRandom}; verification compares in
 * constant time. At most {@link HashingSlots} hashes run at once. Thread-safe.
 */
public final class PasswordHasher {
  private static final String PREFIX = "$argon2id$v=19$";
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getDecoder();

  /**
   * Argon2id cost.
   *
   * @param memoryKiB memory in KiB, in [8 * parallelism, 4 GiB]
   * @param iterations passes over the memory, in [1, 100]
   * @param parallelism lanes, in [1, 64]
   */
  public record Params(int memoryKiB, int iterations, int parallelism) {
    /** OWASP's recommendation for Argon2id: 19 MiB, 2 passes, 1 lane. */
    public static final Params DEFAULT = new Params(19 * 1024, 2, 1);

    public Params {
      if (parallelism < 1 || parallelism > 64) {
        throw new IllegalArgumentException("parallelism must be in [1, 64], got " + parallelism);
      }
      if (iterations < 1 || iterations > 100) {
        throw new IllegalArgumentException("iterations must be in [1, 100], got " + iterations);
      }
      if (memoryKiB < 8 * parallelism || memoryKiB > (4 << 20)) {
        throw new IllegalArgumentException("memoryKiB must be in [8 * parallelism, 4 GiB], got "
            + memoryKiB);
      }
    }

    boolean weakerThan(Params other) {
      return memoryKiB < other.memoryKiB || iterations < other.iterations
          || parallelism < other.parallelism;
    }
  }

  private final Params params;
  private final SecureRandom random;
  private final HashingSlots slots;
  /** Verified against when the user does not exist, so that both cases take as long. */
  private final String decoy;

  public PasswordHasher(Params params, SecureRandom random) {
    this(params, random, HashingSlots.defaults());
  }

  /**
   * @param slots bounds the hashes computed at once ({@link #hash} and {@link #verify} answer 503
   *     when none frees in time)
   */
  public PasswordHasher(Params params, SecureRandom random, HashingSlots slots) {
    this.params = Objects.requireNonNull(params, "params");
    this.random = Objects.requireNonNull(random, "random");
    this.slots = Objects.requireNonNull(slots, "slots");
    this.decoy = hashNow("decoy password for unknown users");
  }

  /**
   * The PHC string of a new hash of {@code password} under the current parameters.
   *
   * @throws dev.veil.server.core.ServiceException 503 when no hashing slot frees in time
   */
  public String hash(String password) {
    return slots.run(() -> hashNow(password));
  }

  private String hashNow(String password) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    byte[] h = argon2(password, salt, params, HASH_BYTES);
    return PREFIX + "m=" + params.memoryKiB() + ",t=" + params.iterations() + ",p="
        + params.parallelism() + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(h);
  }

  /**
   * Whether {@code password} matches {@code encoded}; false for a malformed encoding. A null
   * {@code encoded} (no such user) is checked against a decoy hash, so that it takes as long.
   */
  public boolean verify(String password, String encoded) {
    return slots.run(() -> verifyNow(password, encoded));
  }

  private boolean verifyNow(String password, String encoded) {
    if (encoded == null) {
      verifyNow(password, decoy);
      return false;
    }
    Parsed p = parse(encoded);
    if (p == null) {
      return false;
    }
    byte[] h = argon2(password, p.salt, p.params, p.hash.length);
    return MessageDigest.isEqual(h, p.hash);
  }

  /** Whether {@code encoded} was made with weaker parameters than the current ones. */
  public boolean needsRehash(String encoded) {
    Parsed p = parse(encoded);
    return p == null || p.params.weakerThan(params);
  }

  private record Parsed(Params params, byte[] salt, byte[] hash) {}

  /** The parts of a PHC string, or null when it is not one this class writes. */
  private static Parsed parse(String encoded) {
    if (encoded == null || !encoded.startsWith(PREFIX) || encoded.length() > 400) {
      return null;
    }
    String[] parts = encoded.substring(PREFIX.length()).split("\\$", -1);
    if (parts.length != 3) {
      return null;
    }
    try {
      int m = -1;
      int t = -1;
      int par = -1;
      for (String kv : parts[0].split(",", -1)) {
        int eq = kv.indexOf('=');
        if (eq < 0 || eq == kv.length() - 1 || kv.length() > 12) {
          return null;
        }
        int v = Integer.parseInt(kv.substring(eq + 1));
        switch (kv.substring(0, eq)) {
          case "m" -> m = v;
          case "t" -> t = v;
          case "p" -> par = v;
          default -> {
            return null;
          }
        }
      }
      Params params = new Params(m, t, par);
      byte[] salt = B64D.decode(parts[1]);
      byte[] hash = B64D.decode(parts[2]);
      if (salt.length < 8 || salt.length > 64 || hash.length < 16 || hash.length > 64) {
        return null;
      }
      return new Parsed(params, salt, hash);
    } catch (IllegalArgumentException e) { // NumberFormatException too
      return null;
    }
  }

  private static byte[] argon2(String password, byte[] salt, Params p, int length) {
    Argon2Parameters ap = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withMemoryAsKB(p.memoryKiB())
        .withIterations(p.iterations())
        .withParallelism(p.parallelism())
        .withSalt(salt)
        .build();
    Argon2BytesGenerator gen = new Argon2BytesGenerator();
    gen.init(ap);
    byte[] pw = password.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[length];
    try {
      gen.generateBytes(pw, out);
    } finally {
      Arrays.fill(pw, (byte) 0);
    }
    return out;
  }
}
