package dev.veil.server.blob;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import dev.veil.server.core.ServiceException;

/**
 * {@link BlobStore} on the file system: blob {@code abcdef...} lives in {@code root/ab/cdef...}.
 *
 * <p>Bytes are streamed into a new file under {@code root/tmp/} (the same file system, so the final
 * move is an atomic rename) while they are counted and hashed with a fixed 64 KiB buffer: memory
 * does not grow with the blob's size. The size limit is enforced while streaming; the digest is
 * checked at the end; the file is forced to disk and only then renamed into place, and the
 * directory is forced too, so that an acknowledged blob survives a crash or a power failure. On any failure
 * (too large, wrong digest, the input's {@code IOException}, a crash) the temporary file is
 * deleted, or left under {@code tmp/} where {@link #FileBlobStore} removes it on the next start: a
 * blob at its final path is always complete. Identical content is stored once; storing it again
 * sets its file's modification time, which the collection of unreferenced blobs reads as the
 * blob's age ({@link #forEach}, {@link #deleteIfStoredBefore}).
 */
public final class FileBlobStore implements BlobStore {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final int BUFFER = 1 << 16;

  private final Path root;
  private final Path tmp;
  /** Held while a commit puts a blob in place and while the collector deletes one. */
  private final Object placing = new Object();

  /** Opens (creating) the store in {@code root}, deleting temporary files left by a crash. */
  public FileBlobStore(Path root) throws IOException {
    this.root = root.toAbsolutePath().normalize();
    this.tmp = this.root.resolve("tmp");
    Files.createDirectories(tmp);
    try (var leftovers = Files.list(tmp)) {
      for (Path p : (Iterable<Path>) leftovers::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Whether {@code s} is a lowercase hex SHA-256. */
  public static boolean isDigest(String s) {
    return s != null && SHA256.matcher(s).matches();
  }

  @Override
  public BlobRef put(InputStream in, long maxBytes, String expectedSha256) throws IOException {
    Objects.requireNonNull(in, "in");
    try (Writer w = writer(maxBytes)) {
      byte[] buf = new byte[BUFFER];
      int n;
      while ((n = in.read(buf)) >= 0) {
        w.stream().write(buf, 0, n);
      }
      return w.commit(expectedSha256);
    }
  }

  @Override
  public Writer writer(long maxBytes) throws IOException {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must not be negative");
    }
    return new FileWriter(maxBytes);
  }

  @Override
  public InputStream open(String sha256) throws IOException {
    if (!isDigest(sha256)) {
      throw ServiceException.notFound("blob", String.valueOf(sha256));
    }
    try {
      return new BufferedInputStream(Files.newInputStream(path(sha256)), BUFFER);
    } catch (NoSuchFileException e) {
      throw ServiceException.notFound("blob", sha256);
    }
  }

  @Override
  public boolean exists(String sha256) {
    return isDigest(sha256) && Files.isRegularFile(path(sha256));
  }

  /** A stored blob and when it was last stored (written, or the same bytes stored again). */
  public record StoredBlob(String sha256, Instant storedAt) {}

  /**
   * Calls {@code visitor} with every stored blob, in no particular order; uploads under way
   * (under {@code tmp/}) are not blobs yet and are not visited.
   */
  public void forEach(Consumer<StoredBlob> visitor) throws IOException {
    try (DirectoryStream<Path> shards = Files.newDirectoryStream(root)) {
      for (Path shard : shards) {
        String prefix = shard.getFileName().toString();
        if (prefix.length() != 2 || !Files.isDirectory(shard)) {
          continue; // tmp/ and anything that is not a shard
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(shard)) {
          for (Path f : files) {
            String sha = prefix + f.getFileName();
            if (!isDigest(sha)) {
              continue;
            }
            try {
              visitor.accept(new StoredBlob(sha, Files.getLastModifiedTime(f).toInstant()));
            } catch (NoSuchFileException gone) {
              // deleted meanwhile
            }
          }
        }
      }
    }
  }

  /**
   * Deletes a blob last stored before {@code cutoff}; a blob stored (again) since is kept. The
   * check and the deletion exclude a commit of the same blob in this process, so that bytes
   * stored again just now are never lost.
   *
   * @return whether the blob was deleted
   */
  public boolean deleteIfStoredBefore(String sha256, Instant cutoff) throws IOException {
    if (!isDigest(sha256)) {
      return false;
    }
    Path p = path(sha256);
    synchronized (placing) {
      try {
        if (!Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)) {
          return false;
        }
        Files.delete(p);
        return true;
      } catch (NoSuchFileException e) {
        return false;
      }
    }
  }

  /** A stored blob's size in bytes, or -1 if there is none. */
  public long size(String sha256) throws IOException {
    if (!isDigest(sha256)) {
      return -1;
    }
    try {
      return Files.size(path(sha256));
    } catch (NoSuchFileException e) {
      return -1;
    }
  }

  /** Marks an existing blob as stored now; false if there is none. */
  private static boolean touch(Path target) throws IOException {
    if (!Files.isRegularFile(target)) {
      return false;
    }
    try {
      Files.setLastModifiedTime(target, FileTime.from(Instant.now()));
      return true;
    } catch (NoSuchFileException e) {
      return false; // deleted between the check and the touch (by another process)
    }
  }

  /** fsync of a directory (its entries); a no-op where the platform cannot open one. */
  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      if (System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("win")) {
        return; // Windows cannot open a directory as a channel
      }
      throw e;
    }
  }

  /** The file of a blob (which may not exist). */
  Path path(String sha256) {
    return root.resolve(sha256.substring(0, 2)).resolve(sha256.substring(2));
  }

  /** The directory of temporary files (for tests: it is empty when no upload is under way). */
  Path tmpDir() {
    return tmp;
  }

  private final class FileWriter implements Writer {
    private final long maxBytes;
    private final Path file;
    private final FileChannel channel;
    private final MessageDigest md;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
    private long size;
    private boolean done;
    private final OutputStream stream = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        append(b, off, len);
      }
    };

    FileWriter(long maxBytes) throws IOException {
      this.maxBytes = maxBytes;
      try {
        this.md = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      this.file = Files.createTempFile(tmp, "upload-", ".tmp");
      FileChannel ch = null;
      try {
        ch = FileChannel.open(file, StandardOpenOption.WRITE);
      } finally {
        if (ch == null) {
          Files.deleteIfExists(file);
        }
      }
      this.channel = ch;
    }

    private void append(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (done) {
        throw new IOException("the blob writer is closed");
      }
      if (len > maxBytes - size) {
        throw ServiceException.tooLarge("upload larger than the limit of " + maxBytes + " bytes");
      }
      md.update(b, off, len);
      size += len;
      while (len > 0) {
        int n = Math.min(len, buffer.remaining());
        buffer.put(b, off, n);
        off += n;
        len -= n;
        if (!buffer.hasRemaining()) {
          flushBuffer();
        }
      }
    }

    private void flushBuffer() throws IOException {
      buffer.flip();
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      buffer.clear();
    }

    @Override
    public OutputStream stream() {
      return stream;
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public BlobRef commit(String expectedSha256) throws IOException {
      if (done) {
        throw new IOException("the blob writer is closed");
      }
      String sha = HexFormat.of().formatHex(md.digest());
      if (expectedSha256 != null && !MessageDigest.isEqual(sha.getBytes(US_ASCII),
          expectedSha256.toLowerCase(java.util.Locale.ROOT).getBytes(US_ASCII))) {
        throw ServiceException.badRequest("digest mismatch: the " + size + " bytes received have"
            + " SHA-256 " + sha + ", expected " + expectedSha256
            + " (a truncated or corrupted upload?)");
      }
      flushBuffer();
      channel.force(true);
      channel.close();
      Path target = path(sha);
      boolean moved = false;
      synchronized (placing) {
        // a blob stored again is younger again: the collector's grace covers its new reference
        if (!touch(target)) {
          Files.createDirectories(target.getParent());
          try {
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
          } catch (AtomicMoveNotSupportedException e) {
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
          }
          Files.setLastModifiedTime(target, FileTime.from(Instant.now()));
          moved = true;
        }
      }
      if (moved) {
        // the rename and a new shard directory are on disk before the blob is acknowledged
        syncDirectory(target.getParent());
        syncDirectory(root);
      }
      close(); // deletes the temporary file if the blob already existed
      return new BlobRef(sha, size);
    }

    @Override
    public void close() throws IOException {
      if (done) {
        return;
      }
      done = true;
      try {
        channel.close();
      } finally {
        Files.deleteIfExists(file);
      }
    }
  }
}
