package dev.veil.he.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bit-packed rows round-trip for every coefficient width the formats use, including the widths
 * above 57 bits where a coefficient straddles an 8-byte load, and rows longer than the reader's
 * chunk; a coefficient at or above its prime is refused wherever it sits.
 */
class BitPackingTest {
  @ParameterizedTest(name = "{0}-bit modulus")
  @ValueSource(ints = {2, 7, 8, 9, 17, 20, 31, 36, 40, 41, 50, 55, 56, 57, 58, 59, 60, 61})
  void rowsRoundTripAtEveryWidth(int bits) throws IOException {
    long q = (1L << (bits - 1)) + 1 + (bits > 2 ? 2 : 0); // just above 2^(bits-1): bits(q) == bits
    assertThat(Format.bits(q)).isEqualTo(bits);
    int n = 1 << 14; // 14 bytes * 8 per group > 64 KiB chunk for bits >= 33: several chunks
    SplittableRandom r = new SplittableRandom(bits);
    long[] row = new long[n];
    for (int i = 0; i < n; i++) {
      row[i] = i < 8 ? Math.max(0, q - 1 - i) : r.nextLong(q); // largest values first, then random
    }
    row[n - 1] = q - 1; // the last coefficient at its widest
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    BinaryWriter w = new BinaryWriter(bo);
    w.row(row, n, q, "row");
    w.i32(0x5EED); // a field after the row: the reader must stop exactly at the row's end
    w.finish();
    byte[] bytes = bo.toByteArray();
    assertThat(bytes.length).isEqualTo((long) n * bits / 8 + 4 + 32); // and the SHA-256 trailer
    BinaryReader rd = new BinaryReader(new ByteArrayInputStream(bytes));
    long[] back = new long[n];
    rd.row(back, n, q, "row");
    assertThat(back).isEqualTo(row);
    assertThat(rd.i32("trailer")).isEqualTo(0x5EED);
  }

  @ParameterizedTest(name = "{0}-bit modulus")
  @ValueSource(ints = {40, 58, 61})
  void aCoefficientAtItsPrimeIsRefusedWithItsIndex(int bits) throws IOException {
    long q = (1L << (bits - 1)) + 3;
    int n = 4096;
    long[] row = new long[n];
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    BinaryWriter w = new BinaryWriter(bo);
    w.row(row, n, q, "row");
    w.finish();
    byte[] bytes = bo.toByteArray();
    // coefficient 4095 (the last): set all its bits, i.e. 2^bits - 1 >= q
    long start = 4095L * bits;
    for (long bit = start; bit < start + bits; bit++) {
      bytes[(int) (bit >>> 3)] |= (byte) (1 << (bit & 7));
    }
    BinaryReader rd = new BinaryReader(new ByteArrayInputStream(bytes));
    assertThatThrownBy(() -> rd.row(new long[n], n, q, "c0 row 3"))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("c0 row 3: coefficient 4095")
        .hasMessageContaining("is not below its prime " + q);
  }
}
