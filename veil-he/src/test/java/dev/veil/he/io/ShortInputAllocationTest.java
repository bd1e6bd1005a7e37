package dev.veil.he.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Test;

import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.Parameters;

/**
 * A header that claims a large object over a short body: the reader fails with a FormatException
 * naming the truncation, having allocated about one row, never the whole object the header
 * claims. Heap use is measured as the bytes this thread allocated (HotSpot's per-thread counter),
 * not by timing.
 */
class ShortInputAllocationTest {
  /** N = 2^16 over 24 data primes and 2 special primes: a full degree-2 ciphertext is 38 MB. */
  private static final Parameters BIG = Parameters.builder().logN(16)
      .logQ(40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40,
          40, 40, 40)
      .logP(41, 41).securityOff().build();
  /** One row of N longs: 512 KiB. */
  private static final long ROW = 8L * BIG.n();

  private static long allocated() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }

  /** Header, parameter digest, the given fields, then {@code body} bytes of zeros. */
  private static byte[] claim(int type, int flags, byte[] fields, int body) {
    byte[] digest = BIG.digest();
    byte[] b = new byte[8 + 32 + fields.length + body];
    b[0] = 'V';
    b[1] = 'E';
    b[2] = 'I';
    b[3] = 'L';
    b[4] = 2;
    b[6] = (byte) type;
    b[7] = (byte) flags;
    System.arraycopy(digest, 0, b, 8, 32);
    System.arraycopy(fields, 0, b, 40, fields.length);
    return b;
  }

  private static byte[] le(long... fieldsAndWidths) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < fieldsAndWidths.length; i += 2) {
      long v = fieldsAndWidths[i];
      for (int k = 0; k < fieldsAndWidths[i + 1]; k++) {
        out.write((int) (v >>> (8 * k)));
      }
    }
    return out.toByteArray();
  }

  private static void expectCheapTruncation(byte[] data, VeilIO.ObjectReader<?> reader,
      long wholeObject, String what) {
    IoFixtures.readOutcome(data, reader, what); // warm: class loading and first-call costs
    long before = allocated();
    FormatException e = IoFixtures.readOutcome(data, reader, what);
    long used = allocated() - before;
    assertThat(e).as(what).isNotNull();
    assertThat(e).hasMessageContaining("truncated");
    assertThat(used).as(what + ": bytes allocated (the object would be " + wholeObject + ")")
        .isLessThan(2 * ROW + (1 << 20))
        .isLessThan(wholeObject / 8);
  }

  @Test
  void a_plaintext_ciphertext_or_key_header_over_a_short_body_costs_about_one_row() {
    int top = BIG.maxLevel();
    long scale = Double.doubleToRawLongBits(Math.pow(2, 40));
    // a plaintext at the top level: 25 rows claimed, 1000 body bytes sent
    expectCheapTruncation(claim(2, 0, le(top, 4, scale, 8), 1000),
        in -> VeilIO.readPlaintext(in, BIG), (top + 1) * ROW, "plaintext");
    // an evaluation-key set claiming N + 1 keys, checked: one row whatever it claims
    expectCheapTruncation(claim(7, 0, le(BIG.n() + 1, 4, 0, 1, 0, 8, BIG.dnum(), 4,
        BIG.qCount() + BIG.pCount(), 4), 1000), in -> VeilIO.checkEvaluationKeys(in, BIG),
        (BIG.n() + 1L) * 2 * BIG.dnum() * (BIG.qCount() + BIG.pCount()) * ROW,
        "evaluation keys, checked");
    try (HeContext ctx = new HeContext(BIG, 1)) {
      // a degree-2 ciphertext at the top level: 3 x 25 rows claimed
      expectCheapTruncation(claim(3, 0, le(2, 4, top, 4, scale, 8), 1000),
          in -> VeilIO.readCiphertext(in, ctx), 3L * (top + 1) * ROW, "ciphertext");
      // a full public key: 2 x 26 rows claimed
      expectCheapTruncation(claim(4, 0, le(BIG.qCount() + BIG.pCount(), 4), 1000),
          in -> VeilIO.readPublicKey(in, ctx), 2L * (BIG.qCount() + BIG.pCount()) * ROW,
          "public key");
      // a full relinearisation key
      expectCheapTruncation(claim(6, 0, le(0, 8, BIG.dnum(), 4, BIG.qCount() + BIG.pCount(),
          4), 1000), in -> VeilIO.readSwitchingKey(in, ctx),
          2L * BIG.dnum() * (BIG.qCount() + BIG.pCount()) * ROW, "switching key");
    }
  }
}
