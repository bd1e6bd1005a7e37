package dev.veil.ml.data;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the IDX files in which MNIST is published: {@code idx3-ubyte} images (a count, a number
 * of rows and of columns, then one unsigned byte per pixel, row-major, image after image) and
 * {@code idx1-ubyte} labels (a count, then one unsigned byte per label). Files may be
 * gzip-compressed (recognised by their first two bytes, whatever their name) or plain.
 *
 * <p>The header is untrusted: every dimension is checked against {@link #MAX_DIMENSION} and
 * their product against {@link #MAX_BYTES} before anything is read, and the body is read in
 * pieces, so that what is allocated follows the bytes actually present, never the header's
 * claim; a body shorter or longer than the header says is an error. Every error is a {@link
 * DataFormatException} naming the file and the problem.
 */
public final class Idx {
  /** The most bytes a file's body may hold (2^28, 256 MiB: MNIST's training images are 47 MB). */
  public static final long MAX_BYTES = 1L << 28;
  /** The largest number of rows or columns of an image. */
  public static final int MAX_DIMENSION = 4096;
  /** The largest number of images or labels in one file. */
  public static final int MAX_ITEMS = 10_000_000;

  private static final int UNSIGNED_BYTE = 0x08;
  private static final int PIECE = 1 << 20;

  private Idx() {}

  /**
   * Images of one IDX file, pixels scaled from bytes 0..255 to [0, 1].
   *
   * @param count number of images, at least 1
   * @param rows rows of each image
   * @param columns columns of each image
   * @param pixels {@code count * rows * columns} values: image after image, each row-major (the
   *     record holds this array itself, not a copy: 47 million floats for MNIST's training set)
   */
  public record Images(int count, int rows, int columns, float[] pixels) {
    public Images {
      if (count < 1 || rows < 1 || columns < 1
          || (long) count * rows * columns != pixels.length) {
        throw new IllegalArgumentException("images: " + count + " x " + rows + " x " + columns
            + " does not match " + pixels.length + " pixels");
      }
    }

    /** Pixels of one image. */
    public int imageSize() {
      return rows * columns;
    }
  }

  /**
   * Labelled images: an images file and its labels file, the same count.
   *
   * @param images the images
   * @param labels one label per image, each 0..255
   */
  public record LabelledImages(Images images, int[] labels) {
    public LabelledImages {
      if (labels.length != images.count()) {
        throw new IllegalArgumentException(images.count() + " images but " + labels.length
            + " labels");
      }
    }

    /** The largest label plus one. */
    public int classes() {
      int max = 0;
      for (int l : labels) {
        max = Math.max(max, l);
      }
      return max + 1;
    }
  }

  /** Reads an {@code idx3-ubyte} images file. */
  public static Images readImages(Path file) throws IOException {
    try (InputStream in = open(file)) {
      return readImages(in, file.toString());
    } catch (ZipException | EOFException e) {
      throw new DataFormatException(file + ": corrupt or truncated gzip data (" + e.getMessage()
          + ")");
    }
  }

  /** Reads an {@code idx1-ubyte} labels file. */
  public static int[] readLabels(Path file) throws IOException {
    try (InputStream in = open(file)) {
      return readLabels(in, file.toString());
    } catch (ZipException | EOFException e) {
      throw new DataFormatException(file + ": corrupt or truncated gzip data (" + e.getMessage()
          + ")");
    }
  }

  /** Reads images from a plain (not compressed) IDX stream; {@code source} names it in errors. */
  public static Images readImages(InputStream in, String source) throws IOException {
    int[] dims = header(in, source, 3, "images (idx3-ubyte)");
    int count = checkDimension(source, "image count", dims[0], MAX_ITEMS);
    int rows = checkDimension(source, "rows", dims[1], MAX_DIMENSION);
    int columns = checkDimension(source, "columns", dims[2], MAX_DIMENSION);
    long size = (long) count * rows * columns;
    if (size > MAX_BYTES) {
      throw new DataFormatException(source + ": header claims " + count + " images of " + rows
          + " x " + columns + " (" + size + " bytes), more than the cap of " + MAX_BYTES);
    }
    byte[] body = body(in, source, size);
    float[] pixels = new float[body.length];
    for (int k = 0; k < body.length; k++) {
      pixels[k] = (body[k] & 0xff) / 255f;
    }
    return new Images(count, rows, columns, pixels);
  }

  /** Reads labels from a plain (not compressed) IDX stream; {@code source} names it in errors. */
  public static int[] readLabels(InputStream in, String source) throws IOException {
    int[] dims = header(in, source, 1, "labels (idx1-ubyte)");
    int count = checkDimension(source, "label count", dims[0], MAX_ITEMS);
    byte[] body = body(in, source, count);
    int[] labels = new int[body.length];
    for (int k = 0; k < body.length; k++) {
      labels[k] = body[k] & 0xff;
    }
    return labels;
  }

  /**
   * MNIST's training ({@code train}) or test set from a folder holding the four files under
   * their published names ({@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
   * {@code t10k-...}), each with or without {@code .gz}. Checks that images and labels have the
   * same count and that every label is a digit 0..9.
   */
  public static LabelledImages mnist(Path folder, boolean train) throws IOException {
    String prefix = train ? "train" : "t10k";
    Path images = find(folder, prefix + "-images-idx3-ubyte");
    Path labelsFile = find(folder, prefix + "-labels-idx1-ubyte");
    Images im = readImages(images);
    int[] labels = readLabels(labelsFile);
    if (labels.length != im.count()) {
      throw new DataFormatException(labelsFile + ": " + labels.length + " labels for the "
          + im.count() + " images of " + images);
    }
    for (int k = 0; k < labels.length; k++) {
      if (labels[k] > 9) {
        throw new DataFormatException(labelsFile + ": label " + (k + 1) + " is " + labels[k]
            + ", not a digit 0..9");
      }
    }
    return new LabelledImages(im, labels);
  }

  private static Path find(Path folder, String name) throws IOException {
    Path gz = folder.resolve(name + ".gz");
    if (Files.isRegularFile(gz)) {
      return gz;
    }
    Path plain = folder.resolve(name);
    if (Files.isRegularFile(plain)) {
      return plain;
    }
    throw new NoSuchFileException(folder.resolve(name) + "[.gz]", null,
        "MNIST file not found in " + folder);
  }

  /** The file's content stream, decompressed when it starts with gzip's magic bytes. */
  private static InputStream open(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    try {
      raw.mark(2);
      int b0 = raw.read();
      int b1 = raw.read();
      raw.reset();
      if (b0 == 0x1f && b1 == 0x8b) {
        return new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
      }
      return raw;
    } catch (IOException e) {
      raw.close();
      throw e;
    }
  }

  private static int[] header(InputStream in, String source, int dimensions, String what)
      throws IOException {
    byte[] magic = in.readNBytes(4);
    if (magic.length < 4) {
      throw new DataFormatException(source + ": too short for an IDX header (" + magic.length
          + " bytes)");
    }
    if (magic[0] != 0 || magic[1] != 0) {
      throw new DataFormatException(source + ": not an IDX file (the first two bytes must be 0)");
    }
    if ((magic[2] & 0xff) != UNSIGNED_BYTE) {
      throw new DataFormatException(source + ": IDX element type 0x"
          + Integer.toHexString(magic[2] & 0xff) + ", expected 0x08 (unsigned byte)");
    }
    if (magic[3] != dimensions) {
      throw new DataFormatException(source + ": IDX file of " + magic[3]
          + " dimension(s), expected " + dimensions + " for " + what);
    }
    byte[] raw = in.readNBytes(4 * dimensions);
    if (raw.length < 4 * dimensions) {
      throw new DataFormatException(source + ": the header ends before its " + dimensions
          + " dimension(s)");
    }
    int[] dims = new int[dimensions];
    for (int d = 0; d < dimensions; d++) {
      dims[d] = ((raw[4 * d] & 0xff) << 24) | ((raw[4 * d + 1] & 0xff) << 16)
          | ((raw[4 * d + 2] & 0xff) << 8) | (raw[4 * d + 3] & 0xff);
    }
    return dims;
  }

  private static int checkDimension(String source, String what, int value, int max)
      throws DataFormatException {
    // value is read as a signed int: an unsigned value above 2^31 - 1 is negative here
    if (value < 1 || value > max) {
      throw new DataFormatException(source + ": " + what + " in the header is "
          + Integer.toUnsignedString(value) + ", expected 1.." + max);
    }
    return value;
  }

  /** Exactly {@code size} bytes and then the end of the stream; read in pieces of at most 1 MiB. */
  private static byte[] body(InputStream in, String source, long size) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(size, PIECE));
    byte[] piece = new byte[PIECE];
    long left = size;
    while (left > 0) {
      int n = in.read(piece, 0, (int) Math.min(left, PIECE));
      if (n < 0) {
        throw new DataFormatException(source + ": truncated: the header announces " + size
            + " bytes of data, the file holds " + (size - left));
      }
      out.write(piece, 0, n);
      left -= n;
    }
    if (in.read() >= 0) {
      throw new DataFormatException(source + ": more data than the header announces (" + size
          + " bytes)");
    }
    return out.toByteArray();
  }
}
