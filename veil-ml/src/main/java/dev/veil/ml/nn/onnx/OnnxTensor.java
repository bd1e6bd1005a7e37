package dev.veil.ml.nn.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;

/**
 * A dense tensor read from ONNX: its dimensions and its values (row-major, as doubles). Used for
 * initializers and constants at import, and for the {@code input_*.pb} / {@code output_*.pb}
 * files of ONNX's test suite. Immutable.
 *
 * <p>Decoding accepts FLOAT and DOUBLE (raw_data or float_data / double_data) and, for shapes and
 * exponents, INT32, INT64 and BOOL; every other type, external data and segments are refused.
 * The number of values a tensor claims is checked against {@link #MAX_VALUES} and against the
 * bytes or list entries actually present before anything is allocated.
 *
 * @param dims the dimensions (empty for a scalar), each at least 0
 * @param data {@code prod(dims)} values, row-major
 */
public record OnnxTensor(long[] dims, double[] data) {
  /** The most values one tensor may hold (2^26, as {@link dev.veil.ml.nn.Shape#MAX_SIZE}). */
  public static final int MAX_VALUES = 1 << 26;

  /** The largest tensor file {@link #read} accepts: 512 MiB. */
  public static final long MAX_FILE_BYTES = 512L << 20;

  static final int FLOAT = 1;
  static final int INT32 = 6;
  static final int INT64 = 7;
  static final int BOOL = 9;
  static final int DOUBLE = 11;

  public OnnxTensor {
    dims = dims.clone();
    data = data.clone();
    if (count(dims) != data.length) {
      throw new IllegalArgumentException("tensor of dimensions " + Arrays.toString(dims)
          + " needs " + count(dims) + " values, got " + data.length);
    }
  }

  @Override
  public long[] dims() {
    return dims.clone();
  }

  @Override
  public double[] data() {
    return data.clone();
  }

  /** Number of values. */
  public int size() {
    return data.length;
  }

  /** Value {@code k} in row-major order. */
  public double get(int k) {
    return data[k];
  }

  /**
   * Reads a serialised TensorProto file (the ONNX test suite's {@code input_0.pb}).
   *
   * @throws UnsupportedModelException if the file is larger than {@link #MAX_FILE_BYTES}, is not
   *     a TensorProto, or holds a type or layout this reader refuses
   */
  public static OnnxTensor read(Path file) throws IOException, UnsupportedModelException {
    byte[] bytes = OnnxImport.readBounded(file, MAX_FILE_BYTES, "tensor file");
    TensorProto t;
    try {
      t = TensorProto.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new UnsupportedModelException(file + ": not an ONNX TensorProto (" + e.getMessage()
          + ")");
    }
    return of(t, file.getFileName().toString());
  }

  /** Reads a serialised TensorProto from a stream of at most {@link #MAX_FILE_BYTES}. */
  public static OnnxTensor read(InputStream in) throws IOException, UnsupportedModelException {
    byte[] bytes = OnnxImport.readBounded(in, MAX_FILE_BYTES, "tensor");
    try {
      return of(TensorProto.parseFrom(bytes), "tensor");
    } catch (InvalidProtocolBufferException e) {
      throw new UnsupportedModelException("not an ONNX TensorProto (" + e.getMessage() + ")");
    }
  }

  /**
   * Decodes a TensorProto.
   *
   * @param what the tensor's name or file, for messages
   */
  public static OnnxTensor of(TensorProto t, String what) throws UnsupportedModelException {
    Objects.requireNonNull(t, "tensor");
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
      throw new UnsupportedModelException("tensor '" + what + "' keeps its data in an external"
          + " file: save the model with its weights inside (onnx.save_model(...,"
          + " save_as_external_data=False))");
    }
    if (t.hasSegment()) {
      throw new UnsupportedModelException("tensor '" + what + "' is segmented: not supported");
    }
    long[] dims = new long[t.getDimsCount()];
    for (int k = 0; k < dims.length; k++) {
      dims[k] = t.getDims(k);
      if (dims[k] < 0) {
        throw new UnsupportedModelException("tensor '" + what + "' has a negative dimension "
            + dims[k]);
      }
    }
    long n = count(dims);
    if (n > MAX_VALUES) {
      throw new UnsupportedModelException("tensor '" + what + "' claims " + n
          + " values, more than the " + MAX_VALUES + " Veil accepts");
    }
    int size = (int) n;
    int type = t.getDataType();
    ByteString raw = t.getRawData();
    boolean hasRaw = !raw.isEmpty();
    int width = switch (type) {
      case FLOAT, INT32 -> 4;
      case INT64, DOUBLE -> 8;
      case BOOL -> 1;
      default -> throw new UnsupportedModelException("tensor '" + what + "' has data type "
          + typeName(type) + ": Veil reads float and double tensors (and integer shapes)");
    };
    if (hasRaw) {
      if (raw.size() != (long) size * width) {
        throw new UnsupportedModelException("tensor '" + what + "': raw data of " + raw.size()
            + " bytes for " + size + " values of " + width + " bytes");
      }
      ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      double[] v = new double[size];
      for (int k = 0; k < size; k++) {
        v[k] = switch (type) {
          case FLOAT -> b.getFloat();
          case INT32 -> b.getInt();
          case INT64 -> (double) b.getLong();
          case DOUBLE -> b.getDouble();
          default -> b.get() != 0 ? 1 : 0;
        };
      }
      return new OnnxTensor(dims, v);
    }
    int present = switch (type) {
      case FLOAT -> t.getFloatDataCount();
      case INT32, BOOL -> t.getInt32DataCount();
      case INT64 -> t.getInt64DataCount();
      default -> t.getDoubleDataCount();
    };
    if (present != size) {
      throw new UnsupportedModelException("tensor '" + what + "' of dimensions "
          + Arrays.toString(dims) + " holds " + present + " values, expected " + size);
    }
    double[] v = new double[size];
    for (int k = 0; k < size; k++) {
      v[k] = switch (type) {
        case FLOAT -> t.getFloatData(k);
        case INT32, BOOL -> t.getInt32Data(k);
        case INT64 -> (double) t.getInt64Data(k);
        default -> t.getDoubleData(k);
      };
    }
    return new OnnxTensor(dims, v);
  }

  /** The ONNX name of a data type code. */
  static String typeName(int type) {
    String[] names = {"UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64",
        "STRING", "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128",
        "BFLOAT16"};
    return type >= 0 && type < names.length ? names[type] : "type " + type;
  }

  /** The product of the dimensions, saturated above {@link #MAX_VALUES}. */
  static long count(long[] dims) {
    long n = 1;
    for (long d : dims) {
      n *= d;
      if (n > MAX_VALUES) {
        return (long) MAX_VALUES + 1;
      }
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OnnxTensor t && Arrays.equals(t.dims, dims) && Arrays.equals(t.data, data);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims) * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "tensor " + Arrays.toString(dims);
  }
}
