package dev.veil.ml.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
  @TempDir Path dir;

  /** An IDX file: magic 0, 0, 8, dims.length, the dimensions big-endian, then body. */
  static byte[] idx(int[] dims, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(0);
    out.write(8);
    out.write(dims.length);
    for (int d : dims) {
      out.write(d >>> 24);
      out.write(d >>> 16);
      out.write(d >>> 8);
      out.write(d);
    }
    out.writeBytes(body);
    return out.toByteArray();
  }

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream z = new GZIPOutputStream(out)) {
      z.write(data);
    }
    return out.toByteArray();
  }

  private Path write(String name, byte[] data) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, data);
    return p;
  }

  private static byte[] pixels(int n) {
    byte[] b = new byte[n];
    for (int k = 0; k < n; k++) {
      b[k] = (byte) (k * 37);
    }
    return b;
  }

  @Test
  void readsPlainAndGzipImagesScaledToTheUnitInterval() throws IOException {
    byte[] body = pixels(3 * 2 * 4);
    body[0] = (byte) 255;
    body[1] = 0;
    byte[] file = idx(new int[] {3, 2, 4}, body);
    Idx.Images plain = Idx.readImages(write("a-idx3-ubyte", file));
    Idx.Images zipped = Idx.readImages(write("a-idx3-ubyte.gz", gzip(file)));
    assertThat(plain.count()).isEqualTo(3);
    assertThat(plain.rows()).isEqualTo(2);
    assertThat(plain.columns()).isEqualTo(4);
    assertThat(plain.imageSize()).isEqualTo(8);
    assertThat(plain.pixels()[0]).isEqualTo(1f);
    assertThat(plain.pixels()[1]).isEqualTo(0f);
    assertThat(plain.pixels()[5]).isEqualTo((body[5] & 0xff) / 255f);
    assertThat(zipped.pixels()).isEqualTo(plain.pixels());
    int[] labels = Idx.readLabels(write("l.gz", gzip(idx(new int[] {3}, new byte[] {7, 0,
        (byte) 200}))));
    assertThat(labels).containsExactly(7, 0, 200);
  }

  @Test
  void aTruncatedOrOverlongBodyIsNamed() throws IOException {
    byte[] full = idx(new int[] {3, 2, 2}, pixels(12));
    Path shortFile = write("short", Arrays.copyOf(full, full.length - 5));
    assertThatThrownBy(() -> Idx.readImages(shortFile)).isInstanceOf(DataFormatException.class)
        .hasMessageContaining(shortFile.toString())
        .hasMessageContaining("truncated: the header announces 12 bytes of data, the file holds 7");
    Path longFile = write("long.gz", gzip(Arrays.copyOf(full, full.length + 1)));
    assertThatThrownBy(() -> Idx.readImages(longFile))
        .hasMessageContaining("more data than the header announces");
    byte[] z = gzip(full);
    Path cut = write("cut.gz", Arrays.copyOf(z, z.length - 12));
    assertThatThrownBy(() -> Idx.readImages(cut)).isInstanceOf(DataFormatException.class)
        .hasMessageContaining(cut.toString());
  }

  @Test
  void aHugeHeaderIsRefusedBeforeAnythingIsAllocated() throws IOException {
    Path huge = write("huge", idx(new int[] {1_000_000, 1000, 1000}, new byte[10]));
    assertThatThrownBy(() -> Idx.readImages(huge)).isInstanceOf(DataFormatException.class)
        .hasMessageContaining("more than the cap");
    Path negative = write("neg", idx(new int[] {-5, 28, 28}, new byte[10]));
    assertThatThrownBy(() -> Idx.readImages(negative))
        .hasMessageContaining("image count in the header is 4294967291, expected 1..");
    Path wide = write("wide", idx(new int[] {1, 28, 100_000}, new byte[10]));
    assertThatThrownBy(() -> Idx.readImages(wide)).hasMessageContaining("columns");
    // within the caps but far beyond the file: read in pieces, so only the bytes present count
    Path claim = write("claim.gz", gzip(idx(new int[] {300_000, 28, 28}, new byte[100])));
    assertThatThrownBy(() -> Idx.readImages(claim)).hasMessageContaining("the file holds 100");
  }

  @Test
  void aWrongMagicTypeOrRankIsNamed() throws IOException {
    byte[] labels = idx(new int[] {2}, new byte[] {1, 2});
    Path l = write("labels", labels);
    assertThatThrownBy(() -> Idx.readImages(l))
        .hasMessageContaining("1 dimension(s), expected 3 for images");
    byte[] floats = idx(new int[] {2}, new byte[8]);
    floats[2] = 0x0d;
    Path f = write("floats", floats);
    assertThatThrownBy(() -> Idx.readLabels(f)).hasMessageContaining("element type 0xd");
    Path text = write("text", "hello world".getBytes());
    assertThatThrownBy(() -> Idx.readLabels(text)).hasMessageContaining("not an IDX file");
    Path tiny = write("tiny", new byte[] {0, 0});
    assertThatThrownBy(() -> Idx.readLabels(tiny)).hasMessageContaining("too short");
  }

  @Test
  void mnistChecksFileNamesCountsAndDigits() throws IOException {
    write("t10k-images-idx3-ubyte.gz", gzip(idx(new int[] {2, 2, 2}, pixels(8))));
    write("t10k-labels-idx1-ubyte", idx(new int[] {2}, new byte[] {3, 9}));
    Idx.LabelledImages test = Idx.mnist(dir, false);
    assertThat(test.labels()).containsExactly(3, 9);
    assertThat(test.classes()).isEqualTo(10);
    assertThatThrownBy(() -> Idx.mnist(dir, true)).isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("train-images-idx3-ubyte");
    write("train-images-idx3-ubyte", idx(new int[] {2, 2, 2}, pixels(8)));
    write("train-labels-idx1-ubyte", idx(new int[] {3}, new byte[] {1, 2, 3}));
    assertThatThrownBy(() -> Idx.mnist(dir, true)).hasMessageContaining("3 labels for the 2");
    write("train-labels-idx1-ubyte", idx(new int[] {2}, new byte[] {1, 12}));
    assertThatThrownBy(() -> Idx.mnist(dir, true))
        .hasMessageContaining("label 2 is 12, not a digit");
  }

  @Test
  void readsTheSharedMnistTestSetWhenPresent() throws IOException {
    Path folder = Path.of("mnist");
    var root = SharedDatasets.root();
    assumeTrue(root.isPresent() && Files.isDirectory(root.get().resolve(folder)),
        SharedDatasets.missing("mnist"));
    Idx.LabelledImages t = Idx.mnist(root.get().resolve(folder), false);
    assertThat(t.images().count()).isEqualTo(10_000);
    assertThat(t.images().rows()).isEqualTo(28);
    assertThat(t.images().columns()).isEqualTo(28);
    int[] perDigit = new int[10];
    for (int l : t.labels()) {
      perDigit[l]++;
    }
    assertThat(Arrays.stream(perDigit).min().getAsInt()).isGreaterThan(800);
  }
}
