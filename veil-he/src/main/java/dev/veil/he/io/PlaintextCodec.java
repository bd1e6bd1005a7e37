package dev.veil.he.io;

import static dev.veil.he.io.CodecSupport.headerAndDigest;
import static dev.veil.he.io.CodecSupport.prefix;
import static dev.veil.he.io.CodecSupport.readHeader;
import static dev.veil.he.io.CodecSupport.readLevel;
import static dev.veil.he.io.CodecSupport.readRowsQ;
import static dev.veil.he.io.CodecSupport.readScale;
import static dev.veil.he.io.CodecSupport.readTrailer;
import static dev.veil.he.io.CodecSupport.trailer;
import static dev.veil.he.io.CodecSupport.rowsQBytes;
import static dev.veil.he.io.CodecSupport.writeRowsQ;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

import dev.veil.he.io.Format.Type;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.Plaintext;

/** Plaintexts: level, scale and rows 0..level (object type 2). */
final class PlaintextCodec {
  private PlaintextCodec() {}

  /** Writes the level, scale and rows 0..level. */
  static void write(OutputStream out, Plaintext pt) throws IOException {
    Parameters params = pt.parameters();
    BinaryWriter w = new BinaryWriter(out);
    headerAndDigest(w, Type.PLAINTEXT, 0, params);
    w.i32(pt.level());
    w.f64(pt.scale());
    writeRowsQ(w, params, pt.poly(), pt.level(), "plaintext");
    w.finish();
  }

  /** Reads a plaintext made under {@code params}. */
  static Plaintext read(InputStream in, Parameters params) throws IOException {
    Objects.requireNonNull(params, "params");
    BinaryReader r = new BinaryReader(in);
    readHeader(r, Type.PLAINTEXT, params);
    int level = readLevel(r, params);
    double scale = readScale(r);
    long[][] rows = readRowsQ(r, params, level, "plaintext");
    readTrailer(r, Type.PLAINTEXT);
    return new Plaintext(params, rows, level, scale);
  }

  /** Bytes of a plaintext at {@code level} under {@code params}. */
  static long size(Parameters params, int level) {
    return prefix() + 4 + 8 + rowsQBytes(params, level) + trailer();
  }
}
