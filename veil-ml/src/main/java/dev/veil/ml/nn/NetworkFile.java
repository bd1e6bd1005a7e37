package dev.veil.ml.nn;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import dev.veil.he.io.FormatException;
import dev.veil.he.io.VeilIO;
import dev.veil.ml.nn.Layer.Activation;
import dev.veil.ml.poly.ChebyshevSeries;

/**
 * The Veil network file: a {@link Network} in a versioned binary format, written atomically and
 * checked on read.
 *
 * <h2>Format (version 1)</h2>
 *
 * All integers little-endian, floating-point values IEEE 754 binary64. Magic {@code "VNET"},
 * version u16 (1), flags u16 (0); input shape (channels, height, width: i32 each); output u8 (0
 * none, 1 softmax, 2 log-softmax); node count u32 (1..{@link #MAX_NODES}); then per node: name
 * (u16 byte length at most {@link #MAX_NAME_BYTES}, UTF-8), layer tag u8, input count u8 and
 * that many i32 indices (-1 = the network's input), then the layer's body:
 *
 * <ul>
 *   <li>1 conv: outChannels, inChannels, kernelH, kernelW, strideH, strideW, padTop, padLeft,
 *       padBottom, padRight (i32 each), the weights, the bias (f64 each);
 *   <li>2 dense: outputs, inputs (i32), weights, bias;
 *   <li>3 average pool: kernelH, kernelW, strideH, strideW, padTop, padLeft, padBottom,
 *       padRight (i32), countIncludePad u8;
 *   <li>4 global average pool, 7 add, 8 square: nothing;
 *   <li>5 reshape: channels, height, width (i32);
 *   <li>6 affine: n i32, n scales, n shifts;
 *   <li>9 activation: function u8 (the ordinal of {@link Activation.Function}), has-polynomial
 *       u8; with a polynomial: a, b (f64), degree u16 (at most {@link #MAX_DEGREE}), degree + 1
 *       coefficients and maxError (f64).
 * </ul>
 *
 * The file ends with the SHA-256 of every byte before it. A reader holds at most {@link
 * #MAX_FILE_BYTES} (the file's actual bytes, never a size it claims), checks the digest before it
 * parses anything, checks every count against the bytes that remain before it allocates, and
 * builds the network through the constructors that check every shape and index; anything wrong
 * is a {@link FormatException} naming it.
 */
public final class NetworkFile {
  /** Format version written. */
  public static final int VERSION = 1;

  /** The largest file read: 1 GiB. */
  public static final long MAX_FILE_BYTES = 1L << 30;

  /** The most nodes a network file may hold. */
  public static final int MAX_NODES = 1 << 16;

  /** The longest node name, in UTF-8 bytes. */
  public static final int MAX_NAME_BYTES = 1 << 12;

  /** The highest polynomial degree stored. */
  public static final int MAX_DEGREE = 1 << 12;

  private static final byte[] MAGIC = {'V', 'N', 'E', 'T'};
  private static final int DIGEST = 32;

  private NetworkFile() {}

  /** Writes {@code network} to {@code file} atomically (a temporary file, then a move). */
  public static void write(Network network, Path file) throws IOException {
    byte[] bytes = toBytes(network);
    VeilIO.writeAtomically(file, out -> out.write(bytes));
  }

  /** Writes {@code network} to a stream. */
  public static void write(Network network, OutputStream out) throws IOException {
    out.write(toBytes(network));
  }

  /** Reads a network file. */
  public static Network read(Path file) throws IOException {
    long size = Files.size(file);
    if (size > MAX_FILE_BYTES) {
      throw new FormatException(file + ": " + size + " bytes, more than the " + MAX_FILE_BYTES
          + " a network file may hold");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return read(in);
    } catch (FormatException e) {
      throw new FormatException(file + ": " + e.getMessage(), e);
    }
  }

  /** Reads a network from a stream holding exactly one network file. */
  public static Network read(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, MAX_FILE_BYTES));
    if (in.read() >= 0) {
      throw new FormatException("more than " + MAX_FILE_BYTES + " bytes: not a network file");
    }
    return fromBytes(bytes);
  }

  /** The file's bytes. */
  public static byte[] toBytes(Network network) {
    Objects.requireNonNull(network, "network");
    Writer w = new Writer();
    w.bytes(MAGIC);
    w.u16(VERSION);
    w.u16(0);
    Shape s = network.input();
    w.i32(s.channels());
    w.i32(s.height());
    w.i32(s.width());
    w.u8(network.output().ordinal());
    w.i32(network.nodes().size());
    for (Network.Node node : network.nodes()) {
      byte[] name = nameBytes(node.name());
      w.u16(name.length);
      w.bytes(name);
      writeLayer(w, node);
    }
    w.bytes(sha256(w.out.toByteArray(), w.out.size()));
    return w.out.toByteArray();
  }

  /** A name's UTF-8 bytes, cut (at a character boundary) to {@link #MAX_NAME_BYTES}. */
  private static byte[] nameBytes(String name) {
    String s = name;
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    while (b.length > MAX_NAME_BYTES) {
      int cut = s.offsetByCodePoints(s.length(), -1);
      s = s.substring(0, Math.min(cut, MAX_NAME_BYTES / 4 + 1));
      b = s.getBytes(StandardCharsets.UTF_8);
    }
    return b;
  }

  private static void writeLayer(Writer w, Network.Node node) {
    Layer l = node.layer();
    int[] ins = node.inputs();
    int tag;
    if (l instanceof Layer.Conv2d) {
      tag = 1;
    } else if (l instanceof Layer.Dense) {
      tag = 2;
    } else if (l instanceof Layer.AveragePool) {
      tag = 3;
    } else if (l instanceof Layer.GlobalAveragePool) {
      tag = 4;
    } else if (l instanceof Layer.Reshape) {
      tag = 5;
    } else if (l instanceof Layer.Affine) {
      tag = 6;
    } else if (l instanceof Layer.Add) {
      tag = 7;
    } else if (l instanceof Layer.Square) {
      tag = 8;
    } else {
      tag = 9;
    }
    w.u8(tag);
    w.u8(ins.length);
    for (int i : ins) {
      w.i32(i);
    }
    if (l instanceof Layer.Conv2d c) {
      for (int v : new int[] {c.outChannels(), c.inChannels(), c.kernelH(), c.kernelW(),
          c.strideH(), c.strideW(), c.padTop(), c.padLeft(), c.padBottom(), c.padRight()}) {
        w.i32(v);
      }
      w.f64s(c.weights());
      w.f64s(c.bias());
    } else if (l instanceof Layer.Dense d) {
      w.i32(d.outputs());
      w.i32(d.inputs());
      w.f64s(d.weights());
      w.f64s(d.bias());
    } else if (l instanceof Layer.AveragePool p) {
      for (int v : new int[] {p.kernelH(), p.kernelW(), p.strideH(), p.strideW(), p.padTop(),
          p.padLeft(), p.padBottom(), p.padRight()}) {
        w.i32(v);
      }
      w.u8(p.countIncludePad() ? 1 : 0);
    } else if (l instanceof Layer.Reshape r) {
      w.i32(r.to().channels());
      w.i32(r.to().height());
      w.i32(r.to().width());
    } else if (l instanceof Layer.Affine a) {
      w.i32(a.scale().length);
      w.f64s(a.scale());
      w.f64s(a.shift());
    } else if (l instanceof Activation a) {
      w.u8(a.function().ordinal());
      ChebyshevSeries p = a.polynomial();
      w.u8(p == null ? 0 : 1);
      if (p != null) {
        w.f64(p.a());
        w.f64(p.b());
        w.u16(p.degree());
        w.f64s(p.coefficients());
        w.f64(a.maxError());
      }
    }
  }

  /** Parses a network file's bytes. */
  public static Network fromBytes(byte[] bytes) throws FormatException {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length < MAGIC.length + 4 + DIGEST) {
      throw new FormatException("not a network file: " + bytes.length + " bytes are too few");
    }
    for (int k = 0; k < MAGIC.length; k++) {
      if (bytes[k] != MAGIC[k]) {
        throw new FormatException("not a network file (magic bytes differ from \"VNET\")");
      }
    }
    Reader r = new Reader(bytes, bytes.length - DIGEST);
    r.skip(MAGIC.length);
    int version = r.u16();
    if (version != VERSION) {
      throw new FormatException("network file version " + version + ", this reader knows "
          + VERSION);
    }
    byte[] want = sha256(bytes, bytes.length - DIGEST);
    if (!MessageDigest.isEqual(want, Arrays.copyOfRange(bytes, bytes.length - DIGEST,
        bytes.length))) {
      throw new FormatException("integrity check failed: the network file was changed or cut"
          + " short");
    }
    int flags = r.u16();
    if (flags != 0) {
      throw new FormatException("unknown flags " + flags);
    }
    try {
      Shape input = new Shape(r.i32(), r.i32(), r.i32());
      int output = r.u8();
      if (output >= Network.Output.values().length) {
        throw new FormatException("unknown output transform " + output);
      }
      int count = r.i32();
      if (count < 1 || count > MAX_NODES) {
        throw new FormatException("node count " + count + " outside [1, " + MAX_NODES + "]");
      }
      List<Network.Node> nodes = new ArrayList<>();
      for (int k = 0; k < count; k++) {
        int len = r.u16();
        if (len > MAX_NAME_BYTES) {
          throw new FormatException("node " + k + ": name of " + len + " bytes");
        }
        String name = new String(r.bytes(len), StandardCharsets.UTF_8);
        nodes.add(readNode(r, k, name));
      }
      if (r.remaining() != 0) {
        throw new FormatException(r.remaining() + " unexpected bytes after the last node");
      }
      return new Network(input, nodes, Network.Output.values()[output]);
    } catch (IllegalArgumentException e) {
      throw new FormatException("invalid network: " + e.getMessage(), e);
    }
  }

  private static Network.Node readNode(Reader r, int k, String name) throws FormatException {
    int tag = r.u8();
    int arity = r.u8();
    if (arity < 1 || arity > 2) {
      throw new FormatException("node " + k + ": " + arity + " inputs");
    }
    int[] ins = new int[arity];
    for (int j = 0; j < arity; j++) {
      ins[j] = r.i32();
    }
    Layer layer = switch (tag) {
      case 1 -> {
        int[] v = new int[10];
        for (int j = 0; j < v.length; j++) {
          v[j] = r.i32();
        }
        long weights = (long) v[0] * v[1] * v[2] * v[3];
        if (v[0] < 1 || v[1] < 1 || v[2] < 1 || v[3] < 1 || weights > Shape.MAX_SIZE) {
          throw new FormatException("node " + k + ": convolution of " + v[0] + "x" + v[1] + "x"
              + v[2] + "x" + v[3]);
        }
        double[] w = r.f64s(weights);
        double[] b = r.f64s(v[0]);
        yield new Layer.Conv2d(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], w, b);
      }
      case 2 -> {
        int outputs = r.i32();
        int inputs = r.i32();
        if (outputs < 1 || inputs < 1 || (long) outputs * inputs > Shape.MAX_SIZE) {
          throw new FormatException("node " + k + ": dense of " + outputs + "x" + inputs);
        }
        double[] w = r.f64s((long) outputs * inputs);
        yield new Layer.Dense(outputs, inputs, w, r.f64s(outputs));
      }
      case 3 -> {
        int[] v = new int[8];
        for (int j = 0; j < v.length; j++) {
          v[j] = r.i32();
        }
        yield new Layer.AveragePool(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7],
            flag(r, k));
      }
      case 4 -> new Layer.GlobalAveragePool();
      case 5 -> new Layer.Reshape(new Shape(r.i32(), r.i32(), r.i32()));
      case 6 -> {
        int n = r.i32();
        if (n < 1 || n > Shape.MAX_SIZE) {
          throw new FormatException("node " + k + ": affine layer of " + n + " values");
        }
        double[] s = r.f64s(n);
        yield new Layer.Affine(s, r.f64s(n));
      }
      case 7 -> new Layer.Add();
      case 8 -> new Layer.Square();
      case 9 -> {
        int f = r.u8();
        if (f >= Activation.Function.values().length) {
          throw new FormatException("node " + k + ": unknown activation " + f);
        }
        Activation.Function function = Activation.Function.values()[f];
        if (!flag(r, k)) {
          yield Activation.of(function);
        }
        double a = r.f64();
        double b = r.f64();
        int degree = r.u16();
        if (degree > MAX_DEGREE) {
          throw new FormatException("node " + k + ": polynomial degree " + degree);
        }
        ChebyshevSeries p = new ChebyshevSeries(a, b, r.f64s(degree + 1));
        yield new Activation(function, p, r.f64());
      }
      default -> throw new FormatException("node " + k + ": unknown layer tag " + tag);
    };
    if (layer.arity() != arity) {
      throw new FormatException("node " + k + ": a " + layer.kind() + " takes " + layer.arity()
          + " inputs, the file gives " + arity);
    }
    return new Network.Node(name, layer, ins);
  }

  private static boolean flag(Reader r, int k) throws FormatException {
    int v = r.u8();
    if (v > 1) {
      throw new FormatException("node " + k + ": flag byte " + v);
    }
    return v == 1;
  }

  private static byte[] sha256(byte[] bytes, int length) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(bytes, 0, length);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  private static final class Writer {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

    void bytes(byte[] v) {
      out.write(v, 0, v.length);
    }

    void u8(int v) {
      out.write(v);
    }

    void u16(int v) {
      out.write(v & 0xff);
      out.write((v >>> 8) & 0xff);
    }

    void i32(int v) {
      b.clear();
      b.putInt(v);
      out.write(b.array(), 0, 4);
    }

    void f64(double v) {
      b.clear();
      b.putDouble(v);
      out.write(b.array(), 0, 8);
    }

    void f64s(double[] v) {
      for (double d : v) {
        f64(d);
      }
    }
  }

  /** Reads fields of a byte array up to {@code end}, refusing to read past it. */
  private static final class Reader {
    private final ByteBuffer b;

    Reader(byte[] bytes, int end) {
      b = ByteBuffer.wrap(bytes, 0, end).order(ByteOrder.LITTLE_ENDIAN);
    }

    int remaining() {
      return b.remaining();
    }

    private void need(long n) throws FormatException {
      if (n > b.remaining()) {
        throw new FormatException("the file ends early: " + n + " bytes needed, "
            + b.remaining() + " left");
      }
    }

    void skip(int n) throws FormatException {
      need(n);
      b.position(b.position() + n);
    }

    int u8() throws FormatException {
      need(1);
      return b.get() & 0xff;
    }

    int u16() throws FormatException {
      need(2);
      return b.getShort() & 0xffff;
    }

    int i32() throws FormatException {
      need(4);
      return b.getInt();
    }

    double f64() throws FormatException {
      need(8);
      return b.getDouble();
    }

    byte[] bytes(int n) throws FormatException {
      need(n);
      byte[] v = new byte[n];
      b.get(v);
      return v;
    }

    /** {@code n} doubles, allocated only once the bytes they need are known to be there. */
    double[] f64s(long n) throws FormatException {
      need(n * 8);
      double[] v = new double[(int) n];
      for (int k = 0; k < v.length; k++) {
        v[k] = b.getDouble();
      }
      return v;
    }
  }
}
