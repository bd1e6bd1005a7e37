package dev.veil.he.io;

import static dev.veil.he.io.CodecSupport.headerAndDigest;
import static dev.veil.he.io.CodecSupport.prefix;
import static dev.veil.he.io.CodecSupport.readHeader;
import static dev.veil.he.io.CodecSupport.readTrailer;
import static dev.veil.he.io.CodecSupport.trailer;
import static dev.veil.he.io.CodecSupport.unsigned;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.veil.he.io.Format.Type;
import dev.veil.he.io.VeilIO.Form;
import dev.veil.he.io.VeilIO.KeyVisitor;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.SwitchingKey;

/**
 * Evaluation-key sets (object type 7): a count (at most N + 1), then that many key records of
 * {@link SwitchingKeyCodec}, each led by its flags, in strictly ascending Galois element order.
 */
final class EvaluationKeysCodec {
  private EvaluationKeysCodec() {}

  /** Writes the relinearisation key (if any) then the Galois keys by element, each in form. */
  static void write(OutputStream out, EvaluationKeys keys, Form form) throws IOException {
    Parameters params = keys.parameters();
    List<SwitchingKey> all = keyList(keys);
    boolean[] seeded = new boolean[all.size()];
    for (int i = 0; i < seeded.length; i++) {
      SwitchingKey k = all.get(i);
      params.requireSame(k.parameters(), "evaluation key");
      seeded[i] = SwitchingKeyCodec.seeded(k, form);
      SwitchingKeyCodec.checkShape(k, seeded[i]);
    }
    BinaryWriter w = new BinaryWriter(out);
    headerAndDigest(w, Type.EVALUATION_KEYS, 0, params);
    w.i32(all.size());
    for (int i = 0; i < seeded.length; i++) {
      w.u8(seeded[i] ? Format.FLAG_SEEDED : 0);
      SwitchingKeyCodec.writeRecord(w, all.get(i), seeded[i]);
    }
    w.finish();
  }

  /** Relinearisation key first, then Galois keys by ascending element. */
  private static List<SwitchingKey> keyList(EvaluationKeys keys) {
    List<SwitchingKey> all = new ArrayList<>();
    if (keys.hasRelinearizationKey()) {
      all.add(keys.relinearizationKey());
    }
    all.addAll(keys.galoisKeys().values());
    return all;
  }

  /** Reads a whole set. */
  static EvaluationKeys read(InputStream in, HeContext ctx) throws IOException {
    SwitchingKey[] relin = new SwitchingKey[1];
    List<SwitchingKey> galois = new ArrayList<>();
    scan(in, ctx, k -> {
      if (k.galoisElement() == 0) {
        relin[0] = k;
      } else {
        galois.add(k);
      }
    });
    return new EvaluationKeys(ctx.parameters(), relin[0], galois);
  }

  /** Reads a set one key at a time, handing each to {@code visitor}; returns the count. */
  static int scan(InputStream in, HeContext ctx, KeyVisitor visitor) throws IOException {
    Objects.requireNonNull(visitor, "visitor");
    return (int) walk(in, ctx.parameters(), ctx, visitor, null)[0];
  }

  /** Checks a set as {@link #read} does, holding one row; see VeilIO#checkEvaluationKeys. */
  static VeilIO.EvaluationKeysShape check(InputStream in, Parameters params) throws IOException {
    Objects.requireNonNull(params, "params");
    List<Long> elements = new ArrayList<>();
    long bytes = walk(in, params, null, null, elements)[1];
    boolean relin = !elements.isEmpty() && elements.get(0) == 0;
    List<Long> galois = relin ? elements.subList(1, elements.size()) : elements;
    return new VeilIO.EvaluationKeysShape(relin, List.copyOf(galois), bytes);
  }

  /**
   * The one pass over a set: with a context, builds each key and hands it to {@code visitor};
   * without one, checks each record into one reused row and adds its element to {@code elements}.
   *
   * @return the key count and the bytes read
   */
  private static long[] walk(InputStream in, Parameters params, HeContext ctx, KeyVisitor visitor,
      List<Long> elements) throws IOException {
    BinaryReader r = new BinaryReader(in);
    readHeader(r, Type.EVALUATION_KEYS, params);
    int count = r.i32("key count");
    // at most one relinearisation key and one key per odd element of (0, 2N): N of them
    long max = params.n() + 1L;
    if (count < 0 || count > max) {
      throw new FormatException("evaluation-key set claims " + unsigned(count)
          + " keys, at most " + max + " (relinearisation + N Galois keys) exist");
    }
    long previous = -1;
    long[] row = null;
    for (int i = 0; i < count; i++) {
      int flags = r.u8("key flags");
      if ((flags & ~Format.FLAG_SEEDED) != 0) {
        throw new FormatException("unknown key flags 0x" + Integer.toHexString(flags));
      }
      long g = r.i64("Galois element");
      SwitchingKeyCodec.checkGaloisElement(g, params);
      if (g <= previous) {
        throw new FormatException("Galois element " + g + " follows " + previous
            + ": elements must be strictly ascending, without duplicates");
      }
      boolean seeded = flags == Format.FLAG_SEEDED;
      if (ctx != null) {
        SwitchingKey k = SwitchingKeyCodec.readRecord(r, ctx, seeded, g);
        previous = g;
        visitor.visit(k);
      } else {
        if (row == null) {
          row = new long[params.n()];
        }
        SwitchingKeyCodec.checkRecord(r, params, seeded, g, row);
        previous = g;
        elements.add(g);
      }
    }
    readTrailer(r, Type.EVALUATION_KEYS);
    return new long[] {count, r.offset()};
  }

  /** Bytes {@link #write} produces in {@code form}. */
  static long size(EvaluationKeys keys, Form form) {
    long size = prefix() + 4 + trailer();
    for (SwitchingKey k : keyList(keys)) {
      boolean seeded = SwitchingKeyCodec.seeded(k, form);
      size += 1 + SwitchingKeyCodec.recordBytes(keys.parameters(), seeded);
    }
    return size;
  }
}
