package dev.veil.he.io;

/** Constants and size arithmetic of the binary format (version 2), described in package-info. */
final class Format {
  private Format() {}

  static final byte[] MAGIC = {'V', 'E', 'I', 'L'};
  static final int VERSION = 2;
  /** Version 1: the same layout without the SHA-256 trailer; still read, never written. */
  static final int OLDEST_READABLE_VERSION = 1;
  /** From version 2: SHA-256 of every byte of the object before it. */
  static final int TRAILER_BYTES = 32;
  /** magic (4), version (u16), type (u8), flags (u8). */
  static final int HEADER_BYTES = 8;
  static final int DIGEST_BYTES = 32;
  static final int SEED_BYTES = 32;
  /** Header flag / key-record flag: the uniform part travels as its seed. */
  static final int FLAG_SEEDED = 1;

  /** Object-type tags. */
  enum Type {
    PARAMETERS(1, "parameters", 0),
    PLAINTEXT(2, "a plaintext", 0),
    CIPHERTEXT(3, "a ciphertext", FLAG_SEEDED),
    PUBLIC_KEY(4, "a public key", FLAG_SEEDED),
    SECRET_KEY(5, "a secret key", 0),
    SWITCHING_KEY(6, "a switching key", FLAG_SEEDED),
    EVALUATION_KEYS(7, "an evaluation-key set", 0);

    final int tag;
    final String noun;
    final int allowedFlags;

    Type(int tag, String noun, int allowedFlags) {
      this.tag = tag;
      this.noun = noun;
      this.allowedFlags = allowedFlags;
    }

    static Type ofTag(int tag) {
      for (Type t : values()) {
        if (t.tag == tag) {
          return t;
        }
      }
      return null;
    }
  }

  /** Bits per coefficient of a row under {@code q}: its bit length. */
  static int bits(long q) {
    return 64 - Long.numberOfLeadingZeros(q);
  }

  /** Bytes of one packed row of {@code n} coefficients under {@code q}; n is a multiple of 8. */
  static long rowBytes(int n, long q) {
    return (long) n * bits(q) / 8;
  }
}
