package dev.veil.bench;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * MNIST in its IDX files ({@code t10k-images-idx3-ubyte[.gz]}, {@code
 * t10k-labels-idx1-ubyte[.gz]}, and the {@code train-} pair): images as 784 values in [0, 1]
 * (pixel / 255, row-major), labels 0..9. Headers are checked (magic numbers, 28 x 28, at most
 * 60000 items, labels below 10) before anything is allocated, and only the items asked for are
 * read, so a damaged or hostile file costs at most what the caller asked for.
 *
 * @param images one row of 784 values per image
 * @param labels one label per image
 */
public record MnistData(double[][] images, int[] labels) {
  /** Side of an image. */
  public static final int SIDE = 28;
  /** The most items an IDX file may claim (the training set's size). */
  public static final int MAX_ITEMS = 60_000;

  /** The first {@code count} test images (or all, if fewer) of directory {@code dir}. */
  public static MnistData test(Path dir, int count) throws IOException {
    return read(dir, "t10k", count);
  }

  /** The first {@code count} training images (or all, if fewer) of directory {@code dir}. */
  public static MnistData train(Path dir, int count) throws IOException {
    return read(dir, "train", count);
  }

  /** Whether the directory holds the training pair. */
  public static boolean hasTrain(Path dir) {
    return file(dir, "train-images-idx3-ubyte") != null
        && file(dir, "train-labels-idx1-ubyte") != null;
  }

  private static Path file(Path dir, String name) {
    for (String n : new String[] {name + ".gz", name}) {
      Path p = dir.resolve(n);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    return null;
  }

  private static InputStream open(Path p) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(p), 1 << 16);
    return p.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
  }

  private static MnistData read(Path dir, String prefix, int count) throws IOException {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1, got " + count);
    }
    Path imgFile = file(dir, prefix + "-images-idx3-ubyte");
    Path lblFile = file(dir, prefix + "-labels-idx1-ubyte");
    if (imgFile == null || lblFile == null) {
      throw new IOException(dir + ": no " + prefix + "-images-idx3-ubyte[.gz] and "
          + prefix + "-labels-idx1-ubyte[.gz]");
    }
    double[][] images;
    int[] labels;
    try (DataInputStream in = new DataInputStream(open(imgFile))) {
      int magic = in.readInt();
      if (magic != 0x0803) {
        throw new IOException(imgFile + ": not an IDX image file (magic " + Integer.toHexString(
            magic) + ")");
      }
      int n = in.readInt();
      int rows = in.readInt();
      int cols = in.readInt();
      if (n < 1 || n > MAX_ITEMS || rows != SIDE || cols != SIDE) {
        throw new IOException(imgFile + ": header claims " + n + " images of " + rows + " x "
            + cols + "; expected 1.." + MAX_ITEMS + " of 28 x 28");
      }
      int take = Math.min(n, count);
      images = new double[take][SIDE * SIDE];
      byte[] buf = new byte[SIDE * SIDE];
      for (int i = 0; i < take; i++) {
        in.readFully(buf);
        for (int k = 0; k < buf.length; k++) {
          images[i][k] = (buf[k] & 0xff) / 255.0;
        }
      }
    } catch (EOFException e) {
      throw new IOException(imgFile + ": shorter than its header says", e);
    }
    try (DataInputStream in = new DataInputStream(open(lblFile))) {
      int magic = in.readInt();
      if (magic != 0x0801) {
        throw new IOException(lblFile + ": not an IDX label file (magic " + Integer.toHexString(
            magic) + ")");
      }
      int n = in.readInt();
      if (n < images.length || n > MAX_ITEMS) {
        throw new IOException(lblFile + ": header claims " + n + " labels for "
            + images.length + " images");
      }
      labels = new int[images.length];
      for (int i = 0; i < labels.length; i++) {
        int l = in.readUnsignedByte();
        if (l > 9) {
          throw new IOException(lblFile + ": label " + l + " at " + i + " is not a digit");
        }
        labels[i] = l;
      }
    } catch (EOFException e) {
      throw new IOException(lblFile + ": shorter than its header says", e);
    }
    return new MnistData(images, labels);
  }

  public int size() {
    return labels.length;
  }
}
