package dev.veil.server.core;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The server's secret key files in its data directory (the model weights' master key, the audit
 * signing key): created once, complete or not at all, readable by their owner only.
 *
 * <p>A new key file is written to a temporary file created with permissions 600 (where the file
 * system has POSIX permissions), forced to disk, then linked into place, which fails if the file
 * exists: of two processes creating it at once, one wins and both read the winner's key.
 */
public final class KeyFiles {
  private KeyFiles() {}

  /**
   * A key file read back.
   *
   * @param bytes its contents (the caller clears them when done)
   * @param created whether this call created it
   * @param permissionWarning what is wrong with its permissions (readable or writable by others),
   *     or null
   */
  public record Loaded(byte[] bytes, boolean created, String permissionWarning) {}

  /**
   * Reads {@code dir/name}, first creating it with {@code fresh}'s bytes if it does not exist.
   *
   * @param fresh the new key's bytes (cleared after writing)
   * @throws IOException if it cannot be read or written
   */
  public static Loaded readOrCreate(Path dir, String name, Supplier<byte[]> fresh)
      throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(name);
    boolean created = false;
    if (!Files.exists(file)) {
      byte[] bytes = fresh.get();
      Path tmp = createPrivateFile(dir, name);
      try {
        write(tmp, bytes);
        try {
          Files.createLink(file, tmp);
          created = true;
        } catch (UnsupportedOperationException e) {
          Files.move(tmp, file);
          created = true;
        }
      } catch (FileAlreadyExistsException e) {
        // another process created it first: its key is the one
      } finally {
        Arrays.fill(bytes, (byte) 0);
        Files.deleteIfExists(tmp);
      }
    }
    return new Loaded(Files.readAllBytes(file), created, permissionProblem(file));
  }

  /**
   * Writes a public file (e.g. a public key) atomically: a temporary file in the same directory,
   * forced to disk, then moved over {@code file}.
   */
  public static void writePublic(Path file, byte[] bytes) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      write(tmp, bytes);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void write(Path file, byte[] bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
  }

  private static Path createPrivateFile(Path dir, String name) throws IOException {
    try {
      return Files.createTempFile(dir, "." + name + "-", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      return Files.createTempFile(dir, "." + name + "-", ".tmp");
    }
  }

  /** What is wrong with a key file's permissions, or null (also without POSIX permissions). */
  static String permissionProblem(Path file) throws IOException {
    try {
      Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
      if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)
          || p.contains(PosixFilePermission.GROUP_WRITE)
          || p.contains(PosixFilePermission.OTHERS_WRITE)) {
        return file + " is readable or writable by others (" + PosixFilePermissions.toString(p)
            + "): restrict it to its owner (chmod 600)";
      }
      return null;
    } catch (UnsupportedOperationException e) {
      return null;
    }
  }
}
