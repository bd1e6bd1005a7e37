package dev.veil.he.io;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

import dev.veil.he.io.Format.Type;
import dev.veil.he.ring.Prng;
import dev.veil.he.ring.Sampler;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.Parameters;

/**
 * What every codec of the package shares: the header (magic, version, type, flags) and the
 * parameter digest, the checked fields (level, scale, row count) read before anything they size
 * is allocated, polynomial rows and their sizes, the choice of form, seed expansion, and the
 * file helpers (atomic writes, whole-file reads).
 */
final class CodecSupport {
  private CodecSupport() {}

  // ------------------------------------------------------------------ header and digest

  /** Header plus parameter digest: what precedes the body of every object but parameters. */
  static long prefix() {
    return Format.HEADER_BYTES + Format.DIGEST_BYTES;
  }

  /** What follows the body of every object: the SHA-256 trailer. */
  static long trailer() {
    return Format.TRAILER_BYTES;
  }

  /**
   * Checks the SHA-256 trailer of an object of {@code type} (version 2 on; a version-1 object has
   * none). Readers call it last, before they return anything.
   */
  static void readTrailer(BinaryReader r, Type type) throws IOException {
    if (r.version >= 2) {
      r.checkTrailer(type.noun);
    }
  }

  /** Writes the 8-byte header of an object of {@code type} with {@code flags}. */
  static void header(BinaryWriter w, Type type, int flags) throws IOException {
    w.bytes(Format.MAGIC);
    w.u16(Format.VERSION);
    w.u8(type.tag);
    w.u8(flags);
  }

  /** Writes the header and then the digest of {@code params}. */
  static void headerAndDigest(BinaryWriter w, Type type, int flags, Parameters params)
      throws IOException {
    header(w, type, flags);
    w.bytes(params.digest());
  }

  /**
   * Reads and checks the header, and the parameter digest unless {@code type} is PARAMETERS.
   *
   * @return the flags
   */
  static int readHeader(BinaryReader r, Type type, Parameters params) throws IOException {
    byte[] magic = r.bytes(Format.MAGIC.length, "magic bytes");
    if (!Arrays.equals(magic, Format.MAGIC)) {
      throw new FormatException("not a Veil object: wrong magic bytes "
          + HexFormat.of().formatHex(magic) + " (expected " + HexFormat.of().formatHex(Format.MAGIC)
          + ", \"VEIL\")");
    }
    int version = r.u16("format version");
    if (version < Format.OLDEST_READABLE_VERSION || version > Format.VERSION) {
      throw new FormatException("unsupported format version " + version
          + " (this reader supports versions " + Format.OLDEST_READABLE_VERSION + " to "
          + Format.VERSION + ")");
    }
    r.version = version;
    int tag = r.u8("object type");
    if (tag != type.tag) {
      Type found = Type.ofTag(tag);
      throw new FormatException("wrong object type: expected " + type.noun + ", found "
          + (found == null ? "unknown type " + tag : found.noun));
    }
    int flags = r.u8("flags");
    if ((flags & ~type.allowedFlags) != 0) {
      throw new FormatException("unknown flags 0x" + Integer.toHexString(flags) + " for "
          + type.noun);
    }
    if (type != Type.PARAMETERS) {
      byte[] digest = r.bytes(Format.DIGEST_BYTES, "parameter digest");
      if (!MessageDigest.isEqual(digest, params.digest())) {
        throw new FormatException(type.noun.substring(type.noun.indexOf(' ') + 1)
            + " made for other parameters (digest " + HexFormat.of().formatHex(digest, 0, 4)
            + "..., the reader has " + params.shortId() + ")");
      }
    }
    return flags;
  }

  // ------------------------------------------------------------------ checked fields

  /** A level, checked to lie in [0, maxLevel] of {@code params}. */
  static int readLevel(BinaryReader r, Parameters params) throws IOException {
    int level = r.i32("level");
    if (level < 0 || level > params.maxLevel()) {
      throw new FormatException("level " + unsigned(level) + " is outside [0, "
          + params.maxLevel() + "] of the parameters");
    }
    return level;
  }

  /** A scale, checked to be finite and positive. */
  static double readScale(BinaryReader r) throws IOException {
    double scale = r.f64("scale");
    if (!(scale > 0) || Double.isInfinite(scale)) {
      throw new FormatException("scale must be finite and positive, got " + scale);
    }
    return scale;
  }

  /** A key's row count, checked to be qCount + pCount. */
  static void readRowCount(BinaryReader r, Parameters params) throws IOException {
    int rows = r.i32("row count");
    int expected = params.qCount() + params.pCount();
    if (rows != expected) {
      throw new FormatException("key has " + unsigned(rows) + " rows, the parameters have "
          + expected + " primes (qCount + pCount)");
    }
  }

  /** A 32-bit field as read, for messages: values of 2^31 and more print as they were written. */
  static String unsigned(int v) {
    return Integer.toUnsignedString(v);
  }

  // ------------------------------------------------------------------ forms and seeds

  /** Whether an object holding {@code seed} (or null) is written seeded in {@code form}. */
  static boolean seeded(byte[] seed, VeilIO.Form form, String what) {
    switch (Objects.requireNonNull(form, "form")) {
      case FULL:
        return false;
      case SEEDED:
        if (seed == null) {
          throw new IllegalArgumentException("the " + what + " has no seed to write");
        }
        return true;
      default:
        return seed != null;
    }
  }

  /** Stream {@code stream} of {@code seed} over every prime, as keys are generated. */
  static long[][] expand(HeContext ctx, byte[] seed, long stream) {
    Parameters params = ctx.parameters();
    int[] all = ctx.qpIndices(params.maxLevel());
    long[][] a = ctx.ring().newPoly(all.length);
    Sampler.uniform(new Prng(seed, stream), a, ctx.ring(), all);
    return a;
  }

  // ------------------------------------------------------------------ rows

  /** Checks that {@code poly} has at least {@code rows} rows. */
  static void requireRows(long[][] poly, int rows, String what) {
    if (poly == null || poly.length < rows) {
      throw new IllegalArgumentException(what + " has " + (poly == null ? 0 : poly.length)
          + " rows, the parameters need " + rows);
    }
  }

  /** Bytes of rows 0..level under the data primes. */
  static long rowsQBytes(Parameters params, int level) {
    long sum = 0;
    for (int i = 0; i <= level; i++) {
      sum += Format.rowBytes(params.n(), params.q(i));
    }
    return sum;
  }

  /** Bytes of one row under every prime, data then special. */
  static long rowsAllBytes(Parameters params) {
    long sum = 0;
    for (long q : params.allPrimes()) {
      sum += Format.rowBytes(params.n(), q);
    }
    return sum;
  }

  /** Writes rows 0..level of {@code poly} under the data primes. */
  static void writeRowsQ(BinaryWriter w, Parameters params, long[][] poly, int level,
      String what) throws IOException {
    requireRows(poly, level + 1, what);
    for (int i = 0; i <= level; i++) {
      w.row(poly[i], params.n(), params.q(i), what + " row " + i);
    }
  }

  /** Writes one row of {@code poly} per prime, data then special. */
  static void writeRowsAll(BinaryWriter w, Parameters params, long[][] poly, String what)
      throws IOException {
    long[] primes = params.allPrimes();
    requireRows(poly, primes.length, what);
    for (int i = 0; i < primes.length; i++) {
      w.row(poly[i], params.n(), primes[i], what + " row " + i);
    }
  }

  /**
   * Reads one row per prime, data then special, into a new polynomial whose rows are allocated
   * one at a time as their bytes arrive (a short input costs at most one row).
   */
  static long[][] readRowsAll(BinaryReader r, Parameters params, String what)
      throws IOException {
    long[] primes = params.allPrimes();
    long[][] poly = new long[primes.length][];
    for (int i = 0; i < primes.length; i++) {
      poly[i] = r.row(null, params.n(), primes[i], what + " row " + i);
    }
    return poly;
  }

  /** Reads rows 0..level under the data primes into new rows, each allocated as it arrives. */
  static long[][] readRowsQ(BinaryReader r, Parameters params, int level, String what)
      throws IOException {
    long[][] poly = new long[level + 1][];
    for (int i = 0; i <= level; i++) {
      poly[i] = r.row(null, params.n(), params.q(i), what + " row " + i);
    }
    return poly;
  }

  // ------------------------------------------------------------------ files

  /** See {@link VeilIO#writeAtomically}. */
  static void writeAtomically(Path target, VeilIO.ObjectWriter body) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
    boolean moved = false;
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        BufferedOutputStream buffered =
            new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
        body.writeTo(new FilterOutputStream(buffered) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
          }

          @Override
          public void close() throws IOException {
            flush(); // the file is closed here, after it is forced to disk
          }
        });
        buffered.flush();
        ch.force(true);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
      moved = true;
    } finally {
      if (!moved) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException suppressed) {
          // the original failure matters more
        }
      }
    }
  }

  /** See {@link VeilIO#readFile}. */
  static <T> T readFile(Path path, VeilIO.ObjectReader<T> reader) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
      T value = reader.readFrom(in);
      if (in.read() >= 0) {
        throw new FormatException("trailing bytes after the object in " + path);
      }
      return value;
    }
  }
}
