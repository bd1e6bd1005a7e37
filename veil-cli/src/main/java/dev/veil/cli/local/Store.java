package dev.veil.cli.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.veil.cli.core.CliErrors;
import dev.veil.he.io.FormatException;
import dev.veil.he.io.VeilIO;
import dev.veil.ml.data.DataFormatException;

/**
 * Files of the workflow: JSON metadata, Veil binary objects, and outputs that are never left
 * half-written. Problems with the user's input (a missing file, a malformed or foreign file, a file
 * made for other parameters) become {@link IllegalArgumentException}s that name the file, which
 * {@link CliErrors} reports as one line with exit code 2.
 */
public final class Store {
  private Store() {}

  public static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** A body that writes into a directory. */
  @FunctionalInterface
  public interface DirWriter {
    void writeInto(Path dir) throws IOException;
  }

  /** A Veil object read from a stream. */
  @FunctionalInterface
  interface Reader<T> {
    T read(InputStream in) throws IOException;
  }

  /** Bad input (exit code 2) with {@code message}, which names the file or value. */
  public static IllegalArgumentException bad(String message) {
    return new IllegalArgumentException(message);
  }

  /** Writes {@code value} as JSON to {@code file} atomically. */
  public static void writeJson(Path file, Object value) throws IOException {
    VeilIO.writeAtomically(file, out -> JSON.writeValue(out, value));
  }

  /** Writes {@code text} (UTF-8) to {@code file} atomically. */
  public static void writeText(Path file, String text) throws IOException {
    VeilIO.writeAtomically(file, out -> out.write(text.getBytes(
        java.nio.charset.StandardCharsets.UTF_8)));
  }

  /** Reads a JSON file into {@code type}; a malformed one is bad input naming the file. */
  public static <T> T readJson(Path file, Class<T> type) throws IOException {
    requireFile(file);
    try (InputStream in = Files.newInputStream(file)) {
      return JSON.readValue(in, type);
    } catch (JacksonException e) {
      throw bad(file + ": not a valid " + type.getSimpleName() + " JSON file ("
          + e.getOriginalMessage() + ")");
    }
  }

  /**
   * Reads one Veil object from a file; a malformed file or one made for other parameters is bad
   * input whose message names the file and the problem (e.g. "... made for other parameters").
   */
  public static <T> T readVeil(Path file, Reader<T> reader) throws IOException {
    requireFile(file);
    try {
      return VeilIO.readFile(file, reader::read);
    } catch (FormatException e) {
      throw bad(file + ": " + e.getMessage());
    }
  }

  /** A data-format problem in a CSV file (row and column named by CsvReader) as bad input. */
  public static IllegalArgumentException bad(DataFormatException e) {
    return bad(e.getMessage());
  }

  /** Bad input unless {@code file} is a regular file. */
  public static void requireFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw bad(Files.exists(file) ? "'" + file + "' is not a regular file"
          : "no such file: " + file);
    }
  }

  /** Bad input unless {@code dir} is a directory; {@code what} says what was expected there. */
  public static void requireDir(Path dir, String what) {
    if (!Files.isDirectory(dir)) {
      throw bad(Files.exists(dir) ? "'" + dir + "' is not a directory (expected " + what + ")"
          : "no such directory: " + dir + " (expected " + what + ")");
    }
  }

  /** Checks a format tag read from a metadata file. */
  public static void requireFormat(Path file, String found, String expected) {
    if (!expected.equals(found)) {
      throw bad(file + ": format '" + found + "', expected '" + expected + "'");
    }
  }

  /**
   * Runs a metadata record's {@code validate()} (dev.veil.api); what it refuses is bad input whose
   * message names the file and the field.
   */
  public static void validate(Path file, Runnable check) {
    try {
      check.run();
    } catch (IllegalArgumentException e) {
      throw bad(file + ": " + e.getMessage());
    }
  }

  /** Checks, before any work, that an output file can be created: its directory exists. */
  public static Path outputFile(Path file) {
    Path abs = file.toAbsolutePath().normalize();
    if (Files.isDirectory(abs)) {
      throw bad("output '" + file + "' is a directory");
    }
    Path parent = abs.getParent();
    if (!Files.isDirectory(parent)) {
      throw bad("cannot write '" + file + "': no such directory " + parent);
    }
    return abs;
  }

  /**
   * Checks, before any work, that an output directory can be created: its parent exists, and it
   * does not exist or is a directory written earlier by the same command ({@code marker} inside).
   */
  public static Path outputDir(Path dir, String marker) throws IOException {
    Path abs = dir.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw bad("cannot create '" + dir + "': no such directory " + parent);
    }
    if (Files.exists(abs)) {
      if (!Files.isDirectory(abs)) {
        throw bad("output '" + dir + "' exists and is not a directory");
      }
      if (marker == null || !Files.exists(abs.resolve(marker))) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(abs)) {
          if (s.iterator().hasNext()) {
            throw bad("output directory '" + dir + "' exists and is not empty; choose another"
                + " or remove it");
          }
        }
      }
    }
    return abs;
  }

  /**
   * Writes a directory all at once: {@code body} fills a new temporary directory next to {@code
   * target}, which then replaces {@code target}. If anything fails, the temporary directory is
   * deleted and {@code target} is left as it was.
   */
  public static void writeDirectory(Path target, DirWriter body) throws IOException {
    Path abs = target.toAbsolutePath().normalize();
    Path tmp = Files.createTempDirectory(abs.getParent(), "." + abs.getFileName() + ".");
    Path old = null;
    boolean done = false;
    try {
      body.writeInto(tmp);
      if (Files.exists(abs)) {
        old = abs.resolveSibling("." + abs.getFileName() + ".old." + System.nanoTime());
        move(abs, old);
      }
      move(tmp, abs);
      done = true;
    } finally {
      if (!done) {
        deleteTree(tmp);
        if (old != null && !Files.exists(abs)) {
          move(old, abs);
          old = null;
        }
      }
      if (old != null) {
        deleteTree(old);
      }
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  /** Deletes a file tree, quietly. */
  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
          Files.deleteIfExists(f);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
          Files.deleteIfExists(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException | RuntimeException ignored) {
      // best effort: the original failure matters more
    }
  }

  /** The first 16 hex digits of SHA-256 of a file: the key id of a public key file. */
  static String fileId(Path file) throws IOException {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchFileException e) {
      throw bad("no such file: " + file);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
