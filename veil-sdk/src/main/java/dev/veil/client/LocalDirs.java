package dev.veil.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.veil.api.DataInfo;

/**
 * Reads the directories the {@code veil} command line writes ({@link VeilFiles} names their
 * files) for the SDK's upload helpers, and refuses one that is not what a helper uploads with an
 * {@link IllegalArgumentException} that names the directory and the file. Never reads a secret
 * key.
 */
final class LocalDirs {
  private LocalDirs() {}

  /** The public files of a key directory. */
  record KeyDir(Path params, Path publicKey, Path evaluationKeys) {}

  /** An encrypted data set: its public metadata and its parts in order. */
  record DataDir(JsonNode meta, List<Path> parts) {}

  /** A key directory of {@code veil keygen}: parameters (at most 1 MiB) and the public keys. */
  static KeyDir keyDir(Path dir) throws IOException {
    String what = "a key directory from veil keygen";
    Path params = requireFile(dir, VeilFiles.PARAMS, what);
    Path pk = requireFile(dir, VeilFiles.PUBLIC_KEY, what);
    Path evk = requireFile(dir, VeilFiles.EVALUATION_KEYS, what);
    if (Files.size(params) > 1 << 20) {
      throw new IllegalArgumentException(params + " is too large for parameters");
    }
    return new KeyDir(params, pk, evk);
  }

  /**
   * A data set of {@code veil encrypt} of any training kind (the parts layout the API takes: the
   * metadata's tables one after the other, {@code TABLE-NNNNN.ct} each), every ciphertext present.
   */
  static DataDir dataDir(Path dir) throws IOException {
    String what = "an encrypted data set from veil encrypt";
    Path metaFile = requireFile(dir, VeilFiles.META, what);
    JsonNode meta = readMeta(metaFile, VeilFiles.DATA_FORMAT, what);
    DataInfo info;
    try {
      info = Json.MAPPER.treeToValue(meta, DataInfo.class).validate();
    } catch (JacksonException | IllegalArgumentException e) {
      throw new IllegalArgumentException(metaFile + ": not " + what + " (" + e.getMessage()
          + ")");
    }
    List<String> tables = info.tableNames();
    int n = info.ciphertexts();
    List<Path> parts = new ArrayList<>(tables.size() * n);
    for (String table : tables) {
      for (int i = 0; i < n; i++) {
        parts.add(requireFile(dir, VeilFiles.tablePart(table, i), what));
      }
    }
    return new DataDir(meta, parts);
  }

  /**
   * The ciphertexts {@code x-BBBBB-JJJJ.ct} of rows encrypted by {@code veil encrypt --schema},
   * batch after batch, feature after feature (the feature-major order of the API).
   */
  static List<Path> rowsFiles(Path dir) throws IOException {
    String what = "rows encrypted for inference by veil encrypt --schema";
    Path metaFile = requireFile(dir, VeilFiles.META, what);
    JsonNode meta = readMeta(metaFile, VeilFiles.ROWS_FORMAT, what);
    int batches = meta.path("batches").asInt(0);
    int features = meta.path("features").asInt(0);
    if (batches < 1 || features < 1) {
      throw new IllegalArgumentException(metaFile + ": 'batches' and 'features' must be 1 or"
          + " more");
    }
    List<Path> files = new ArrayList<>(batches * features);
    for (int b = 0; b < batches; b++) {
      for (int j = 0; j < features; j++) {
        files.add(requireFile(dir, VeilFiles.rowsFile(b, j), what));
      }
    }
    return files;
  }

  private static Path requireFile(Path dir, String name, String what) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(Files.exists(dir) ? "'" + dir + "' is not a directory"
          + " (expected " + what + ")" : "no such directory: " + dir + " (expected " + what
          + ")");
    }
    Path f = dir.resolve(name);
    if (!Files.isRegularFile(f)) {
      throw new IllegalArgumentException("no " + name + " in " + dir + " (expected " + what
          + ")");
    }
    return f;
  }

  /** A {@code meta.json} whose {@code format} is {@code format}. */
  private static JsonNode readMeta(Path file, String format, String what) throws IOException {
    JsonNode n;
    try (InputStream in = Files.newInputStream(file)) {
      n = Json.MAPPER.readTree(in);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(file + ": not valid JSON (" + e.getOriginalMessage()
          + ")", e);
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException(file + ": not a JSON object");
    }
    if (!format.equals(n.path("format").asText())) {
      throw new IllegalArgumentException(file + ": format '" + n.path("format").asText()
          + "', expected '" + format + "' (" + what + ")");
    }
    return n;
  }
}
