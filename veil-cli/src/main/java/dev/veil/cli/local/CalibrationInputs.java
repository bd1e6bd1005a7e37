package dev.veil.cli.local;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import dev.veil.ml.data.DataFormatException;
import dev.veil.ml.data.Idx;

/**
 * The calibration inputs of {@code veil model import}: a CSV file (one input per row, its values
 * channel-major, an optional header row) or an IDX image file as MNIST's ({@code
 * train-images-idx3-ubyte}, gzip-compressed or not; unsigned bytes, each value divided by 255).
 * Reads at most {@link #MAX_BYTES} (decompressed) and returns the first {@code limit} inputs;
 * anything malformed is bad input naming the file and the line or field.
 */
final class CalibrationInputs {
  /** The most bytes read from a calibration file (decompressed). */
  static final long MAX_BYTES = 256L << 20;

  private CalibrationInputs() {}

  /** The first {@code limit} inputs of {@code size} values each. */
  static List<double[]> read(Path file, int size, int limit) throws IOException {
    Store.requireFile(file);
    byte[] head = new byte[4];
    try (InputStream in = Files.newInputStream(file)) {
      int n = in.readNBytes(head, 0, 4);
      if (n < 4) {
        head = new byte[4];
      }
    }
    boolean gz = (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
    byte[] bytes;
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file));
        InputStream in = gz ? new GZIPInputStream(raw) : raw) {
      bytes = in.readNBytes((int) MAX_BYTES);
      if (in.read() >= 0) {
        throw Store.bad(file + ": more than " + MAX_BYTES + " bytes (first " + limit
            + " inputs wanted: cut the file)");
      }
    } catch (java.util.zip.ZipException e) {
      throw Store.bad(file + ": not a valid gzip file (" + e.getMessage() + ")");
    }
    boolean idx = bytes.length >= 4 && bytes[0] == 0 && bytes[1] == 0
        && (bytes[2] & 0xff) >= 0x08 && (bytes[2] & 0xff) <= 0x0e && bytes[3] >= 1
        && bytes[3] <= 4;
    List<double[]> out = idx ? idx(file, size, limit) : csv(file, bytes, size, limit);
    if (out.isEmpty()) {
      throw Store.bad(file + ": no calibration inputs");
    }
    return out;
  }

  /** The first {@code limit} images of an IDX file ({@link Idx}), each of {@code size} values. */
  private static List<double[]> idx(Path file, int size, int limit) throws IOException {
    Idx.Images images;
    try {
      images = Idx.readImages(file);
    } catch (DataFormatException e) {
      throw Store.bad(e.getMessage());
    }
    if (images.imageSize() != size) {
      throw Store.bad(file + ": IDX images of " + images.rows() + " x " + images.columns()
          + " values, the network takes " + size);
    }
    int n = Math.min(images.count(), limit);
    float[] px = images.pixels();
    List<double[]> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double[] x = new double[size];
      for (int j = 0; j < size; j++) {
        x[j] = px[i * size + j];
      }
      out.add(x);
    }
    return out;
  }

  private static List<double[]> csv(Path file, byte[] bytes, int size, int limit)
      throws IOException {
    List<double[]> out = new ArrayList<>();
    List<String> lines;
    try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(
        new ByteArrayInputStream(bytes), StandardCharsets.UTF_8))) {
      lines = r.lines().toList();
    }
    for (int k = 0; k < lines.size() && out.size() < limit; k++) {
      String line = lines.get(k).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split(",", -1);
      double[] x = new double[f.length];
      boolean numeric = true;
      for (int j = 0; j < f.length && numeric; j++) {
        try {
          x[j] = Double.parseDouble(f[j].strip());
          if (!Double.isFinite(x[j])) {
            throw Store.bad(file + ": line " + (k + 1) + ", field " + (j + 1)
                + ": not a finite number");
          }
        } catch (NumberFormatException e) {
          numeric = false;
          if (!out.isEmpty() || k > 0 && hasData(lines, k)) {
            throw Store.bad(file + ": line " + (k + 1) + ", field " + (j + 1) + ": '" + f[j]
                + "' is not a number");
          }
        }
      }
      if (!numeric) {
        continue; // a header row
      }
      if (f.length != size) {
        throw Store.bad(file + ": line " + (k + 1) + " has " + f.length + " values, the network"
            + " takes " + size + " per input (channel-major)");
      }
      out.add(x);
    }
    return out;
  }

  /** Whether a data row came before line {@code k} (a second non-numeric row is an error). */
  private static boolean hasData(List<String> lines, int k) {
    for (int j = 0; j < k; j++) {
      String l = lines.get(j).strip();
      if (!l.isEmpty() && !l.startsWith("#")) {
        return true;
      }
    }
    return false;
  }
}
