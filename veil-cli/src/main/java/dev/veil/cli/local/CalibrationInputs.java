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
    List<double[]> out = idxHeader(file) ? idx(file, size, limit)
        : csv(file, content(file, limit), size, limit);
    if (out.isEmpty()) {
      throw Store.bad(file + ": no calibration inputs");
    }
    return out;
  }

  /** The file's content stream, decompressed when it starts with gzip's magic bytes. */
  private static InputStream open(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    raw.mark(2);
    boolean gz = raw.read() == 0x1f && raw.read() == 0x8b;
    raw.reset();
    return gz ? new GZIPInputStream(raw, 1 << 16) : raw;
  }

  /** Whether the (decompressed) file starts as an IDX file: 0, 0, a type, a rank of 1 to 4. */
  private static boolean idxHeader(Path file) throws IOException {
    byte[] h;
    try (InputStream in = open(file)) {
      h = in.readNBytes(4);
    } catch (java.util.zip.ZipException e) {
      throw Store.bad(file + ": not a valid gzip file (" + e.getMessage() + ")");
    }
    return h.length == 4 && h[0] == 0 && h[1] == 0 && (h[2] & 0xff) >= 0x08
        && (h[2] & 0xff) <= 0x0e && h[3] >= 1 && h[3] <= 4;
  }

  /** The whole (decompressed) file, at most {@link #MAX_BYTES}. */
  private static byte[] content(Path file, int limit) throws IOException {
    try (InputStream in = open(file)) {
      byte[] bytes = in.readNBytes((int) MAX_BYTES);
      if (in.read() >= 0) {
        throw Store.bad(file + ": more than " + MAX_BYTES + " bytes (first " + limit
            + " inputs wanted: cut the file)");
      }
      return bytes;
    } catch (java.util.zip.ZipException e) {
      throw Store.bad(file + ": not a valid gzip file (" + e.getMessage() + ")");
    }
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
