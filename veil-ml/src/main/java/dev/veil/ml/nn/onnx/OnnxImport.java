package dev.veil.ml.nn.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.veil.ml.nn.Layer;
import dev.veil.ml.nn.Layer.Activation;
import dev.veil.ml.nn.Layer.Activation.Function;
import dev.veil.ml.nn.Network;
import dev.veil.ml.nn.Shape;

/**
 * Imports an ONNX model into a {@link Network}, or refuses it with an {@link
 * UnsupportedModelException} that names the operator, the node and what to use instead. Nothing
 * outside the supported set is approximated silently: a model either imports into a network that
 * computes what ONNX computes (in exact mode), or is refused.
 *
 * <p>The model has one input (graph inputs that are also initializers are weights; further inputs
 * may be bound to constants with {@link #of(ModelProto, Map)}) of type float or double and one
 * output. The input's first dimension is the batch: 1, any fixed size or symbolic; the network
 * takes one sample (the other dimensions must be fixed). A sample of dimensions {@code [d0]} is a
 * {@link Shape} {@code d0 x 1 x 1}, {@code [C, L]} is {@code C x 1 x L} (1-D convolution and
 * pooling run as 2-D ones of height 1), {@code [C, H, W]} is itself, and longer ones keep their
 * first and last dimension and merge the middle ones (element-wise operators only).
 *
 * <p>Supported operators: Conv (group 1, dilation 1, explicit pads or auto_pad NOTSET, VALID,
 * SAME_UPPER, SAME_LOWER; 1-D and 2-D), Gemm (alpha, beta, transB; transA only on a constant),
 * MatMul by a constant matrix, Add/Sub/Mul/Div by a constant (an {@link Layer.Affine}, merged into
 * the preceding Conv, Gemm or affine layer where that layer has no other reader), Add, Sub and Sum
 * of activations of the same shape (residual {@link Layer.Add}), Mul(x, x) and Pow(x, 2)
 * ({@link Layer.Square}), Mul(x, Sigmoid(x)) (a SiLU {@link Activation}), Neg, AveragePool (count_include_pad, pads, strides, ceil_mode 0),
 * GlobalAveragePool, BatchNormalization in inference mode (folded like a constant Mul and Add),
 * Flatten, Reshape, Squeeze and Unsqueeze (static shapes, batch kept), Identity, Dropout
 * (inference), Constant, Shape and Cast (folded), Transpose, Pad (constant, edge, reflect),
 * Slice, Gather and Concat along the dimensions of a sample and ReduceMean/ReduceSum over them
 * (folded on constants; on a sample, linear maps imported as a {@link Layer.Dense} of at most
 * {@link #MAX_EXPANDED_WEIGHTS} weights, or a GlobalAveragePool for a mean over the spatial
 * dimensions), Relu, Sigmoid, Tanh ({@link Activation}, exact until approximated by {@link
 * dev.veil.ml.nn.Calibration}), and a final Softmax or LogSoftmax over the sample ({@link
 * Network.Output}). Operators on constants only are evaluated at import.
 */
public final class OnnxImport {
  /** The largest model file {@link #read(Path)} accepts: 256 MiB. */
  public static final long MAX_MODEL_BYTES = 256L << 20;

  /**
   * The most weights a linear operator imported as a {@link Layer.Dense} may expand to (a MatMul
   * on rows of a sample in block-diagonal form, a Transpose, Pad or partial ReduceMean).
   */
  public static final long MAX_EXPANDED_WEIGHTS = 1L << 22;

  /** The operators this importer knows, for messages. */
  public static final List<String> SUPPORTED = List.of("Conv", "Gemm", "MatMul", "Add", "Sub",
      "Mul", "Div", "Neg", "Pow", "AveragePool", "GlobalAveragePool", "BatchNormalization",
      "Flatten", "Reshape", "Squeeze", "Unsqueeze", "Identity", "Dropout", "Constant", "Shape",
      "Relu", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "Transpose", "Pad", "ReduceMean",
      "ReduceSum", "Sum", "Cast", "Slice", "Gather", "Concat");

  /** What to use instead of operators Veil refuses, by operator. */
  private static final Map<String, String> INSTEAD = Map.ofEntries(
      Map.entry("MaxPool", "max pooling has no low-degree polynomial form: use AveragePool"),
      Map.entry("GlobalMaxPool", "use GlobalAveragePool"),
      Map.entry("LpPool", "use AveragePool"),
      Map.entry("GlobalLpPool", "use GlobalAveragePool"),
      Map.entry("LeakyRelu", "use Relu, Sigmoid or Tanh (approximated by a polynomial) or x*x"),
      Map.entry("PRelu", "use Relu (approximated by a polynomial) or x*x"),
      Map.entry("Elu", "use Relu, Sigmoid or Tanh (approximated by a polynomial) or x*x"),
      Map.entry("Selu", "use Relu, Sigmoid or Tanh (approximated by a polynomial) or x*x"),
      Map.entry("Softplus", "use Relu, Sigmoid or Tanh (approximated by a polynomial) or x*x"),
      Map.entry("HardSigmoid", "use Sigmoid (approximated by a polynomial)"),
      Map.entry("Clip", "use Relu or Tanh (approximated by a polynomial)"),
      Map.entry("Max", "comparisons have no low-degree polynomial form"),
      Map.entry("Min", "comparisons have no low-degree polynomial form"),
      Map.entry("ConvTranspose", "transposed convolution is not supported: use Conv"),
      Map.entry("LRN", "use BatchNormalization"),
      Map.entry("InstanceNormalization", "normalising by the input's own statistics needs a"
          + " division: use BatchNormalization"),
      Map.entry("LayerNormalization", "normalising by the input's own statistics needs a"
          + " division: use BatchNormalization"),
      Map.entry("Exp", "use Sigmoid or Tanh (approximated by a polynomial)"),
      Map.entry("Sqrt", "no polynomial form near 0"),
      Map.entry("ConstantOfShape", "not supported"));

  private final String source;
  private final GraphProto graph;
  private final int opset;
  private final Map<String, Value> values = new HashMap<>();
  private final List<Network.Node> nodes = new ArrayList<>();
  private final List<Shape> shapes = new ArrayList<>();
  private Shape inputShape;
  private long[] inputDims;
  private int batch;
  private Network.Output output = Network.Output.NONE;

  /**
   * The result of an import.
   *
   * @param network the network for one sample
   * @param batch the model's fixed batch size, or 0 where it is symbolic
   * @param inputDims the dimensions of one sample (without the batch)
   * @param outputDims the dimensions of one sample's output (without the batch)
   * @param inputName the graph input the network reads
   * @param outputName the graph output it computes
   */
  public record Result(Network network, int batch, long[] inputDims, long[] outputDims,
      String inputName, String outputName) {
    public Result {
      Objects.requireNonNull(network, "network");
      inputDims = inputDims.clone();
      outputDims = outputDims.clone();
    }

    @Override
    public long[] inputDims() {
      return inputDims.clone();
    }

    @Override
    public long[] outputDims() {
      return outputDims.clone();
    }
  }

  /** A tensor during import: a constant (full dimensions) or an activation (one sample's). */
  private record Value(long[] dims, double[] data, int node) {
    static Value constant(long[] dims, double[] data) {
      return new Value(dims, data, Integer.MIN_VALUE);
    }

    static Value activation(long[] dims, int node) {
      return new Value(dims, null, node);
    }

    boolean isConstant() {
      return data != null;
    }
  }

  private OnnxImport(String source, GraphProto graph, int opset) {
    this.source = source;
    this.graph = graph;
    this.opset = opset;
  }

  /**
   * Reads and imports a model file of at most {@link #MAX_MODEL_BYTES}.
   *
   * @throws UnsupportedModelException if the file is too large or not an ONNX model, or the model
   *     is outside what Veil imports (the message names the operator, node and alternative)
   */
  public static Result read(Path file) throws IOException, UnsupportedModelException {
    return of(parse(readBounded(file, MAX_MODEL_BYTES, "ONNX model")), Map.of());
  }

  /** Reads and imports a model from a stream of at most {@link #MAX_MODEL_BYTES}. */
  public static Result read(InputStream in) throws IOException, UnsupportedModelException {
    return of(parse(readBounded(in, MAX_MODEL_BYTES, "ONNX model")), Map.of());
  }

  /**
   * A parsed model file, for importing it more than once with different bound inputs (the ONNX
   * operator tests pass weights as inputs that change with the data set).
   */
  public static final class Model {
    private final ModelProto proto;

    private Model(ModelProto proto) {
      this.proto = proto;
    }

    /** Reads a model file of at most {@link #MAX_MODEL_BYTES}. */
    public static Model read(Path file) throws IOException, UnsupportedModelException {
      return new Model(parse(readBounded(file, MAX_MODEL_BYTES, "ONNX model")));
    }

    /** The graph inputs that are not initializers, in order. */
    public List<String> inputs() {
      Set<String> init = new HashSet<>();
      for (TensorProto t : proto.getGraph().getInitializerList()) {
        init.add(t.getName());
      }
      List<String> names = new ArrayList<>();
      for (ValueInfoProto v : proto.getGraph().getInputList()) {
        if (!init.contains(v.getName())) {
          names.add(v.getName());
        }
      }
      return names;
    }

    /** Imports it with the given inputs bound to constants (see {@link #of(ModelProto, Map)}). */
    public Result imported(Map<String, OnnxTensor> bound) throws UnsupportedModelException {
      return of(proto, bound);
    }
  }

  /** Parses a serialised ModelProto. */
  public static ModelProto parse(byte[] bytes) throws UnsupportedModelException {
    try {
      return ModelProto.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new UnsupportedModelException("not an ONNX model (" + e.getMessage() + ")");
    }
  }

  /** Imports a model whose only non-constant input is the sample. */
  public static Result of(ModelProto model) throws UnsupportedModelException {
    return of(model, Map.of());
  }

  /**
   * Imports a model, with some graph inputs bound to constants (models that take their weights
   * as inputs, as the ONNX operator tests do): after binding, exactly one input must remain.
   */
  public static Result of(ModelProto model, Map<String, OnnxTensor> bound)
      throws UnsupportedModelException {
    Objects.requireNonNull(model, "model");
    if (!model.hasGraph()) {
      throw new UnsupportedModelException("the model has no graph");
    }
    int opset = 0;
    for (OperatorSetIdProto o : model.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        opset = (int) Math.min(Integer.MAX_VALUE, o.getVersion());
      }
    }
    if (opset == 0 && model.getOpsetImportCount() > 0) {
      throw new UnsupportedModelException("the model imports no standard ONNX operator set");
    }
    OnnxImport im = new OnnxImport(model.getGraph().getName(), model.getGraph(),
        opset == 0 ? 1 : opset);
    try {
      return im.run(bound);
    } catch (IllegalArgumentException e) {
      // a layer that does not fit its inputs: the model's shapes disagree with its weights
      throw new UnsupportedModelException("the model's shapes do not fit: " + e.getMessage());
    } catch (IndexOutOfBoundsException | ArithmeticException | NegativeArraySizeException e) {
      // fields that contradict each other in a way no check above names
      throw new UnsupportedModelException("a malformed model (" + e + ")");
    }
  }

  private Result run(Map<String, OnnxTensor> bound) throws UnsupportedModelException {
    if (graph.getSparseInitializerCount() > 0) {
      throw new UnsupportedModelException("sparse initializers are not supported: store the"
          + " weights dense");
    }
    for (TensorProto t : graph.getInitializerList()) {
      OnnxTensor c = OnnxTensor.of(t, t.getName());
      values.put(t.getName(), Value.constant(c.dims(), c.data()));
    }
    List<ValueInfoProto> inputs = new ArrayList<>();
    for (ValueInfoProto in : graph.getInputList()) {
      if (values.containsKey(in.getName())) {
        continue;
      }
      OnnxTensor c = bound.get(in.getName());
      if (c != null) {
        values.put(in.getName(), Value.constant(c.dims(), c.data()));
      } else {
        inputs.add(in);
      }
    }
    if (inputs.size() != 1) {
      List<String> names = inputs.stream().map(ValueInfoProto::getName).toList();
      throw new UnsupportedModelException("the model has " + inputs.size() + " inputs "
          + names + ": a Veil network takes exactly one (weights must be initializers)");
    }
    if (graph.getOutputCount() != 1) {
      throw new UnsupportedModelException("the model has " + graph.getOutputCount()
          + " outputs: a Veil network computes exactly one");
    }
    ValueInfoProto in = inputs.get(0);
    defineInput(in);
    Set<String> consumed = new HashSet<>();
    String outName = graph.getOutput(0).getName();
    int count = graph.getNodeCount();
    for (int k = 0; k < count; k++) {
      NodeProto n = graph.getNode(k);
      if (output != Network.Output.NONE) {
        throw refuse(graph.getNode(k - 1), k - 1, "Softmax and LogSoftmax are supported only as"
            + " the model's last operation (applied after decryption)");
      }
      node(n, k, outName);
      consumed.addAll(n.getInputList());
    }
    Value out = values.get(outName);
    if (out == null) {
      throw new UnsupportedModelException("the model's output '" + outName
          + "' is computed by no node");
    }
    if (out.isConstant()) {
      throw new UnsupportedModelException("the model's output '" + outName
          + "' does not depend on its input");
    }
    if (out.node() != lastNode()) {
      // the output is an earlier node's (or the input itself): end the network on it
      emitReshape("output", out, out.dims());
    }
    if (nodes.isEmpty()) {
      emit("identity", new Layer.Reshape(inputShape), Network.INPUT);
    }
    Network net = new Network(inputShape, Folding.fold(inputShape, nodes), output);
    return new Result(net, batch, inputDims, out.dims(), in.getName(), outName);
  }

  private int lastNode() {
    return nodes.size() - 1;
  }

  private void defineInput(ValueInfoProto in) throws UnsupportedModelException {
    TypeProto type = in.getType();
    if (!type.hasTensorType()) {
      throw new UnsupportedModelException("the input '" + in.getName() + "' is not a tensor");
    }
    int elem = type.getTensorType().getElemType();
    if (elem != OnnxTensor.FLOAT && elem != OnnxTensor.DOUBLE) {
      throw new UnsupportedModelException("the input '" + in.getName() + "' has type "
          + OnnxTensor.typeName(elem) + ": Veil networks take float or double inputs");
    }
    if (!type.getTensorType().hasShape()) {
      throw new UnsupportedModelException("the input '" + in.getName() + "' has no shape: export"
          + " the model with a fixed input shape");
    }
    TensorShapeProto shape = type.getTensorType().getShape();
    if (shape.getDimCount() < 1) {
      throw new UnsupportedModelException("the input '" + in.getName() + "' is a scalar: Veil"
          + " networks take a batch dimension first");
    }
    long[] dims = new long[shape.getDimCount() - 1];
    for (int k = 0; k < shape.getDimCount(); k++) {
      TensorShapeProto.Dimension d = shape.getDim(k);
      if (k == 0) {
        batch = d.hasDimValue() ? (int) Math.min(Integer.MAX_VALUE, d.getDimValue()) : 0;
        if (d.hasDimValue() && d.getDimValue() < 1) {
          throw new UnsupportedModelException("the input '" + in.getName() + "' has batch size "
              + d.getDimValue());
        }
        continue;
      }
      if (!d.hasDimValue() || d.getDimValue() < 1) {
        throw new UnsupportedModelException("the input '" + in.getName() + "' has a dynamic"
            + " dimension " + k + (d.hasDimParam() ? " ('" + d.getDimParam() + "')" : "")
            + ": only the batch (the first) may be symbolic; export with a fixed shape");
      }
      dims[k - 1] = d.getDimValue();
    }
    if (OnnxTensor.count(dims) > Shape.MAX_SIZE) {
      throw new UnsupportedModelException("the input '" + in.getName() + "' holds more than "
          + Shape.MAX_SIZE + " values per sample");
    }
    inputDims = dims;
    inputShape = shapeOf(dims);
    values.put(in.getName(), Value.activation(dims, Network.INPUT));
  }

  // ---- operators ----

  private void node(NodeProto n, int k, String graphOutput) throws UnsupportedModelException {
    String op = n.getOpType();
    if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
      throw refuse(n, k, "operator of domain '" + n.getDomain() + "': Veil imports the standard"
          + " ONNX operators " + SUPPORTED);
    }
    if (op.equals("Constant")) {
      constantNode(n, k);
      return;
    }
    List<Value> in = new ArrayList<>();
    for (String name : n.getInputList()) {
      if (name.isEmpty()) {
        in.add(null);
        continue;
      }
      Value v = values.get(name);
      if (v == null) {
        throw refuse(n, k, "reads '" + name + "', which no earlier node computes (the graph must"
            + " be in topological order)");
      }
      in.add(v);
    }
    boolean allConstant = !in.isEmpty() && in.stream().allMatch(v -> v == null || v.isConstant());
    if (n.getOutputCount() < 1) {
      throw refuse(n, k, "has no output");
    }
    for (int j = 1; j < n.getOutputCount(); j++) {
      if (!n.getOutput(j).isEmpty() && !(op.equals("Dropout"))) {
        throw refuse(n, k, "a second output ('" + n.getOutput(j) + "') is not supported"
            + (op.equals("BatchNormalization") ? ": export the model in inference mode (eval())"
                : ""));
      }
    }
    Value result = switch (op) {
      case "Identity" -> input(n, k, in, 0);
      case "Dropout" -> dropout(n, k, in);
      case "Relu" -> unary(n, k, in, Function.RELU);
      case "Sigmoid" -> unary(n, k, in, Function.SIGMOID);
      case "Tanh" -> unary(n, k, in, Function.TANH);
      case "Neg" -> neg(n, k, in);
      case "Add", "Sub", "Mul", "Div" -> binary(n, k, in, allConstant);
      case "Sum" -> sum(n, k, in);
      case "Cast" -> cast(n, k, in);
      case "Slice" -> slice(n, k, in);
      case "Gather" -> gather(n, k, in);
      case "Concat" -> concat(n, k, in);
      case "Pow" -> pow(n, k, in, allConstant);
      case "Conv" -> conv(n, k, in);
      case "Gemm" -> gemm(n, k, in);
      case "MatMul" -> matMul(n, k, in);
      case "AveragePool" -> averagePool(n, k, in);
      case "GlobalAveragePool" -> globalAveragePool(n, k, in);
      case "BatchNormalization" -> batchNorm(n, k, in);
      case "Flatten" -> flatten(n, k, in);
      case "Reshape" -> reshape(n, k, in);
      case "Squeeze", "Unsqueeze" -> squeeze(n, k, in, op.equals("Squeeze"));
      case "Shape" -> shape(n, k, in);
      case "Transpose" -> transpose(n, k, in);
      case "Pad" -> pad(n, k, in);
      case "ReduceMean", "ReduceSum" -> reduce(n, k, in, op.equals("ReduceMean"));
      case "Softmax", "LogSoftmax" -> softmax(n, k, in, graphOutput);
      default -> throw refuse(n, k, INSTEAD.containsKey(op) ? INSTEAD.get(op)
          : "not supported; Veil imports " + String.join(", ", SUPPORTED));
    };
    values.put(n.getOutput(0), result);
  }

  private void constantNode(NodeProto n, int k) throws UnsupportedModelException {
    if (n.getAttributeCount() != 1 || n.getOutputCount() != 1) {
      throw refuse(n, k, "a Constant takes exactly one value attribute");
    }
    AttributeProto a = n.getAttribute(0);
    Value v = switch (a.getName()) {
      case "value" -> {
        OnnxTensor t = OnnxTensor.of(a.getT(), n.getOutput(0));
        yield Value.constant(t.dims(), t.data());
      }
      case "value_float" -> Value.constant(new long[0], new double[] {a.getF()});
      case "value_int" -> Value.constant(new long[0], new double[] {a.getI()});
      case "value_floats" -> Value.constant(new long[] {a.getFloatsCount()},
          a.getFloatsList().stream().mapToDouble(Float::doubleValue).toArray());
      case "value_ints" -> Value.constant(new long[] {a.getIntsCount()},
          a.getIntsList().stream().mapToDouble(Long::doubleValue).toArray());
      default -> throw refuse(n, k, "constant attribute '" + a.getName() + "' is not supported"
          + " (sparse or string constants)");
    };
    values.put(n.getOutput(0), v);
  }

  private Value input(NodeProto n, int k, List<Value> in, int j) throws UnsupportedModelException {
    if (in.size() <= j || in.get(j) == null) {
      throw refuse(n, k, "input " + j + " is missing");
    }
    return in.get(j);
  }

  private Value activationInput(NodeProto n, int k, List<Value> in, int j)
      throws UnsupportedModelException {
    Value v = input(n, k, in, j);
    if (v.isConstant()) {
      throw refuse(n, k, "input " + j + " is a constant where Veil expects the activation");
    }
    return v;
  }

  private Value constantInput(NodeProto n, int k, List<Value> in, int j, String what)
      throws UnsupportedModelException {
    Value v = input(n, k, in, j);
    if (!v.isConstant()) {
      throw refuse(n, k, what + " (input " + j + ") must be a constant (an initializer); it"
          + " depends on the model's input");
    }
    return v;
  }

  private Value dropout(NodeProto n, int k, List<Value> in) throws UnsupportedModelException {
    if (n.getOutputCount() > 1 && !n.getOutput(1).isEmpty()) {
      throw refuse(n, k, "the dropout mask output is a training feature: export in inference"
          + " mode");
    }
    if (in.size() > 2 && in.get(2) != null) {
      Value training = in.get(2);
      if (!training.isConstant() || training.data().length != 1 || training.data()[0] != 0) {
        throw refuse(n, k, "training_mode must be a constant false (inference)");
      }
    }
    if (intAttr(n, "is_test", 1) == 0 && opset < 7) {
      throw refuse(n, k, "is_test = 0 (training mode): export in inference mode");
    }
    return input(n, k, in, 0);
  }

  private Value unary(NodeProto n, int k, List<Value> in, Function f)
      throws UnsupportedModelException {
    Value x = input(n, k, in, 0);
    if (x.isConstant()) {
      return map(x, f::apply);
    }
    return emitValue(n, Activation.of(f), x.dims(), x.node());
  }

  private Value neg(NodeProto n, int k, List<Value> in) throws UnsupportedModelException {
    Value x = input(n, k, in, 0);
    if (x.isConstant()) {
      return map(x, v -> -v);
    }
    int size = (int) OnnxTensor.count(x.dims());
    double[] s = new double[size];
    Arrays.fill(s, -1);
    return emitValue(n, new Layer.Affine(s, new double[size]), x.dims(), x.node());
  }

  private Value binary(NodeProto n, int k, List<Value> in, boolean allConstant)
      throws UnsupportedModelException {
    String op = n.getOpType();
    if (in.size() != 2 || in.get(0) == null || in.get(1) == null) {
      throw refuse(n, k, op + " takes two inputs");
    }
    return binary(n, k, op, in.get(0), in.get(1));
  }

  private Value sum(NodeProto n, int k, List<Value> in) throws UnsupportedModelException {
    Value acc = input(n, k, in, 0);
    for (int j = 1; j < in.size(); j++) {
      acc = binary(n, k, "Add", acc, input(n, k, in, j));
    }
    return acc;
  }

  /** {@code a op b} for op Add, Sub, Mul or Div. */
  private Value binary(NodeProto n, int k, String op, Value a, Value b)
      throws UnsupportedModelException {
    if (a.isConstant() && b.isConstant()) {
      DoubleBinaryOperator f = switch (op) {
        case "Add" -> (x, y) -> x + y;
        case "Sub" -> (x, y) -> x - y;
        case "Mul" -> (x, y) -> x * y;
        default -> (x, y) -> x / y;
      };
      return broadcast(n, k, a, b, f);
    }
    if (!a.isConstant() && !b.isConstant()) {
      if (op.equals("Mul")) {
        if (a.node() == b.node() && Arrays.equals(a.dims(), b.dims())) {
          return emitValue(n, new Layer.Square(), a.dims(), a.node());
        }
        Value silu = silu(n, a, b);
        if (silu == null) {
          silu = silu(n, b, a);
        }
        if (silu != null) {
          return silu;
        }
        throw refuse(n, k, "a product of two different activations is not supported: only"
            + " x*x (Square) and x*sigmoid(x) (SiLU)");
      }
      if (op.equals("Div")) {
        throw refuse(n, k, "division by an activation has no polynomial form: divide by"
            + " constants only");
      }
      if (!Arrays.equals(a.dims(), b.dims())) {
        throw refuse(n, k, op + " of activations of different shapes "
            + Arrays.toString(a.dims()) + " and " + Arrays.toString(b.dims())
            + " (broadcasting between activations is not supported)");
      }
      int right = b.node();
      if (op.equals("Sub")) {
        int size = (int) OnnxTensor.count(b.dims());
        double[] s = new double[size];
        Arrays.fill(s, -1);
        right = emit(name(n) + "/negate", new Layer.Affine(s, new double[size]), b.node());
      }
      return emitValue(n, new Layer.Add(), a.dims(), a.node(), right);
    }
    boolean activationFirst = !a.isConstant();
    Value x = activationFirst ? a : b;
    double[] c = broadcastConstant(n, k, activationFirst ? b : a, x.dims());
    int size = c.length;
    double[] scale = new double[size];
    double[] shift = new double[size];
    for (int j = 0; j < size; j++) {
      switch (op) {
        case "Add" -> {
          scale[j] = 1;
          shift[j] = c[j];
        }
        case "Sub" -> {
          scale[j] = activationFirst ? 1 : -1;
          shift[j] = activationFirst ? -c[j] : c[j];
        }
        case "Mul" -> scale[j] = c[j];
        default -> {
          if (!activationFirst) {
            throw refuse(n, k, "division by an activation has no polynomial form: divide by"
                + " constants only");
          }
          if (c[j] == 0) {
            throw refuse(n, k, "division by a constant 0");
          }
          scale[j] = 1 / c[j];
        }
      }
    }
    return emitValue(n, affine(n, k, scale, shift), x.dims(), x.node());
  }

  /** {@code x * sigmoid(x)} as one SiLU activation where {@code s} is the sigmoid of {@code x}. */
  private Value silu(NodeProto n, Value x, Value s) {
    if (s.node() == Network.INPUT || !Arrays.equals(x.dims(), s.dims())) {
      return null;
    }
    Network.Node producer = nodes.get(s.node());
    if (producer.layer() instanceof Activation act && act.function() == Function.SIGMOID
        && producer.inputs()[0] == x.node()) {
      return emitValue(n, Activation.of(Function.SILU), x.dims(), x.node());
    }
    return null;
  }

  private Layer.Affine affine(NodeProto n, int k, double[] scale, double[] shift)
      throws UnsupportedModelException {
    for (int j = 0; j < scale.length; j++) {
      if (!Double.isFinite(scale[j]) || !Double.isFinite(shift[j])) {
        throw refuse(n, k, "a constant that is not finite");
      }
    }
    return new Layer.Affine(scale, shift);
  }

  private Value pow(NodeProto n, int k, List<Value> in, boolean allConstant)
      throws UnsupportedModelException {
    Value x = input(n, k, in, 0);
    if (allConstant) {
      return broadcast(n, k, x, input(n, k, in, 1), Math::pow);
    }
    Value e = constantInput(n, k, in, 1, "the exponent");
    if (x.isConstant()) {
      throw refuse(n, k, "a constant raised to an activation has no polynomial form");
    }
    double[] c = broadcastConstant(n, k, e, x.dims());
    double exponent = c.length == 0 ? 2 : c[0];
    for (double v : c) {
      if (v != exponent) {
        throw refuse(n, k, "exponents differ across the tensor: only x^2 is supported");
      }
    }
    if (exponent == 1) {
      return x;
    }
    if (exponent != 2) {
      throw refuse(n, k, "exponent " + exponent + ": only x^2 (Square) is supported");
    }
    return emitValue(n, new Layer.Square(), x.dims(), x.node());
  }

  private Value conv(NodeProto n, int k, List<Value> in) throws UnsupportedModelException {
    Value x = activationInput(n, k, in, 0);
    Value w = constantInput(n, k, in, 1, "the weights");
    Value b = in.size() > 2 ? in.get(2) : null;
    if (b != null && !b.isConstant()) {
      throw refuse(n, k, "the bias must be a constant (an initializer)");
    }
    long[] d = x.dims();
    if (d.length != 2 && d.length != 3) {
      throw refuse(n, k, "a " + (d.length - 1) + "-D convolution: Veil supports 1-D and 2-D");
    }
    if (intAttr(n, "group", 1) != 1) {
      throw refuse(n, k, "group = " + intAttr(n, "group", 1) + " (grouped or depthwise"
          + " convolution): only group 1 is supported; use a full convolution");
    }
    int spatial = d.length - 1;
    long[] wd = w.dims();
    if (wd.length != spatial + 2) {
      throw refuse(n, k, "weights of dimensions " + Arrays.toString(wd) + " for a "
          + spatial + "-D convolution");
    }
    int outC = toInt(wd[0]);
    int inC = toInt(d[0]);
    if (wd[1] != inC) {
      throw refuse(n, k, "weights for " + wd[1] + " input channels, the input has " + inC);
    }
    int kh = spatial == 2 ? toInt(wd[2]) : 1;
    int kw = toInt(wd[spatial + 1]);
    int h = spatial == 2 ? toInt(d[1]) : 1;
    int wdt = toInt(d[spatial]);
    long[] kernelAttr = intsAttr(n, "kernel_shape");
    if (kernelAttr != null && !Arrays.equals(kernelAttr, Arrays.copyOfRange(wd, 2, wd.length))) {
      throw refuse(n, k, "kernel_shape " + Arrays.toString(kernelAttr)
          + " disagrees with the weights " + Arrays.toString(wd));
    }
    int[] window = window(n, k, spatial, new int[] {h, wdt}, new int[] {kh, kw});
    double[] bias = new double[outC];
    if (b != null) {
      if (b.data().length != outC) {
        throw refuse(n, k, "bias of " + b.data().length + " values for " + outC + " channels");
      }
      bias = b.data();
    }
    Layer.Conv2d conv = new Layer.Conv2d(outC, inC, kh, kw, window[0], window[1], window[2],
        window[3], window[4], window[5], finite(n, k, w.data()), finite(n, k, bias));
    Shape o = conv.outputShape(shapeOf(d));
    long[] od = spatial == 2 ? new long[] {outC, o.height(), o.width()}
        : new long[] {outC, o.width()};
    return emitValue(n, conv, od, x.node());
  }

  /**
   * Strides and pads of a convolution or pooling window: {strideH, strideW, top, left, bottom,
   * right}, from strides, pads or auto_pad (dilations must be 1).
   */
  private int[] window(NodeProto n, int k, int spatial, int[] size, int[] kernel)
      throws UnsupportedModelException {
    long[] dil = intsAttr(n, "dilations");
    if (dil != null) {
      for (long v : dil) {
        if (v != 1) {
          throw refuse(n, k, "dilations " + Arrays.toString(dil) + ": only dilation 1 is"
              + " supported");
        }
      }
    }
    long[] strides = intsAttr(n, "strides");
    int[] st = {1, 1};
    if (strides != null) {
      if (strides.length != spatial) {
        throw refuse(n, k, "strides " + Arrays.toString(strides) + " for " + spatial
            + " spatial dimensions");
      }
      for (int j = 0; j < spatial; j++) {
        st[spatial == 2 ? j : 1] = positiveInt(n, k, strides[j], "stride");
      }
    }
    int[] begin = new int[2];
    int[] end = new int[2];
    String autoPad = stringAttr(n, "auto_pad", "NOTSET");
    long[] pads = intsAttr(n, "pads");
    switch (autoPad) {
      case "NOTSET" -> {
        if (pads != null) {
          if (pads.length != 2 * spatial) {
            throw refuse(n, k, "pads " + Arrays.toString(pads) + " for " + spatial
                + " spatial dimensions");
          }
          for (int j = 0; j < spatial; j++) {
            int axis = spatial == 2 ? j : 1;
            begin[axis] = nonNegativeInt(n, k, pads[j], "padding");
            end[axis] = nonNegativeInt(n, k, pads[j + spatial], "padding");
          }
        }
      }
      case "VALID" -> { }
      case "SAME_UPPER", "SAME_LOWER" -> {
        for (int axis = 2 - spatial; axis < 2; axis++) {
          int out = (size[axis] + st[axis] - 1) / st[axis];
          int total = Math.max(0, (out - 1) * st[axis] + kernel[axis] - size[axis]);
          int small = total / 2;
          begin[axis] = autoPad.equals("SAME_UPPER") ? small : total - small;
          end[axis] = total - begin[axis];
        }
      }
      default -> throw refuse(n, k, "auto_pad '" + autoPad + "' is not one of NOTSET, VALID,"
          + " SAME_UPPER, SAME_LOWER");
    }
    for (int axis = 0; axis < 2; axis++) {
      if (size[axis] + begin[axis] + end[axis] < kernel[axis]) {
        throw refuse(n, k, "the kernel is larger than the padded input");
      }
    }
    return new int[] {st[0], st[1], begin[0], begin[1], end[0], end[1]};
  }

  private Value gemm(NodeProto n, int k, List<Value> in) throws UnsupportedModelException {
    Value a = activationInput(n, k, in, 0);
    Value b = constantInput(n, k, in, 1, "the weights B");
    Value c = in.size() > 2 ? in.get(2) : null;
    if (c != null && !c.isConstant()) {
      throw refuse(n, k, "the bias C must be a constant (an initializer)");
    }
    if (intAttr(n, "transA", 0) != 0) {
      throw refuse(n, k, "transA = 1 on the activation would move the batch dimension: export"
          + " with transA = 0");
    }
    if (a.dims().length != 1) {
      throw refuse(n, k, "Gemm of a " + (a.dims().length + 1) + "-D input: flatten it first");
    }
    double alpha = floatAttr(n, "alpha", 1);
    double beta = floatAttr(n, "beta", 1);
    boolean transB = intAttr(n, "transB", 0) != 0;
    long[] bd = b.dims();
    if (bd.length != 2) {
      throw refuse(n, k, "B of dimensions " + Arrays.toString(bd) + ": a matrix is expected");
    }
    int inputs = toInt(a.dims()[0]);
    int rows = toInt(transB ? bd[1] : bd[0]);
    int outputs = toInt(transB ? bd[0] : bd[1]);
    if (rows != inputs) {
      throw refuse(n, k, "B of dimensions " + Arrays.toString(bd) + (transB ? " (transposed)"
          : "") + " for " + inputs + " inputs");
    }
    double[] bv = b.data();
    double[] w = new double[outputs * inputs];
    for (int r = 0; r < outputs; r++) {
      for (int j = 0; j < inputs; j++) {
        w[r * inputs + j] = alpha * (transB ? bv[r * inputs + j] : bv[j * outputs + r]);
      }
    }
    double[] bias = new double[outputs];
    if (c != null) {
      double[] cv = broadcastConstant(n, k, c, new long[] {outputs});
      for (int r = 0; r < outputs; r++) {
        bias[r] = beta * cv[r];
      }
    }
    return emitValue(n, new Layer.Dense(outputs, inputs, finite(n, k, w), finite(n, k, bias)),
        new long[] {outputs}, a.node());
  }

  private Value matMul(NodeProto n, int k, List<Value> in) throws UnsupportedModelException {
    Value a = input(n, k, in, 0);
    Value b = input(n, k, in, 1);
    if (a.isConstant() && b.isConstant()) {
      throw refuse(n, k, "a product of two constants is not folded: precompute it");
    }
    if (a.isConstant()) {
      throw refuse(n, k, "a constant times the activation (constant on the left): export it as"
          + " activation times constant");
    }
    if (!b.isConstant()) {
      throw refuse(n, k, "a product of two activations is not supported");
    }
    long[] ad = a.dims();
    long[] bd = b.dims();
    if (ad.length < 1) {
      throw refuse(n, k, "the activation has no feature dimension");
    }
    if (bd.length != 2 && bd.length != 1) {
      throw refuse(n, k, "a batched matrix product (constant of dimensions "
          + Arrays.toString(bd) + ") is not supported: use a 2-D weight matrix");
    }
    int inner = toInt(ad[ad.length - 1]);
    if (bd[0] != inner) {
      throw refuse(n, k, "weights of dimensions " + Arrays.toString(bd) + " for rows of "
          + inner);
    }
    int m = bd.length == 2 ? toInt(bd[1]) : 1;
    long groups = OnnxTensor.count(ad) / inner;
    if (groups * inner * groups * m > MAX_EXPANDED_WEIGHTS) {
      throw refuse(n, k, "a product of " + groups + " rows expands to more than "
          + MAX_EXPANDED_WEIGHTS + " weights: flatten the input first");
    }
    int g = (int) groups;
    int inputs = g * inner;
    int outputs = g * m;
    double[] bv = b.data();
    double[] w = new double[outputs * inputs];
    for (int row = 0; row < g; row++) {
      for (int r = 0; r < m; r++) {
        for (int j = 0; j < inner; j++) {
          w[(row * m + r) * inputs + row * inner + j] = bv[j * m + r];
        }
      }
    }
    long[] od;
    if (bd.length == 2) {
      od = ad.clone();
      od[od.length - 1] = m;
    } else {
      od = Arrays.copyOf(ad, ad.length - 1);
    }
    Layer.Dense dense = new Layer.Dense(outputs, inputs, finite(n, k, w), new double[outputs]);
    return emitValue(n, dense, od, a.node());
  }

  private Value averagePool(NodeProto n, int k, List<Value> in)
      throws UnsupportedModelException {
    Value x = activationInput(n, k, in, 0);
    long[] d = x.dims();
    if (d.length != 2 && d.length != 3) {
      throw refuse(n, k, "a " + (d.length - 1) + "-D pooling: Veil supports 1-D and 2-D");
    }
    if (intAttr(n, "ceil_mode", 0) != 0) {
      throw refuse(n, k, "ceil_mode = 1: only ceil_mode 0 (floor) is supported; pad the input"
          + " instead");
    }
    int spatial = d.length - 1;
    long[] ks = intsAttr(n, "kernel_shape");
    if (ks == null || ks.length != spatial) {
      throw refuse(n, k, "kernel_shape must give " + spatial + " sizes");
    }
    int kh = spatial == 2 ? positiveInt(n, k, ks[0], "kernel size") : 1;
    int kw = positiveInt(n, k, ks[spatial - 1], "kernel size");
    int h = spatial == 2 ? toInt(d[1]) : 1;
    int w = toInt(d[spatial]);
    int[] win = window(n, k, spatial, new int[] {h, w}, new int[] {kh, kw});
    if (win[2] >= kh || win[4] >= kh || win[3] >= kw || win[5] >= kw) {
      throw refuse(n, k, "pads at least as large as the kernel are not supported");
    }
    boolean include = intAttr(n, "count_include_pad", 0) != 0;
    Layer.AveragePool pool = new Layer.AveragePool(kh, kw, win[0], win[1], win[2], win[3],
        win[4], win[5], include);
    Shape o = pool.outputShape(shapeOf(d));
    long[] od = spatial == 2 ? new long[] {d[0], o.height(), o.width()}
        : new long[] {d[0], o.width()};
    return emitValue(n, pool, od, x.node());
  }

  private Value globalAveragePool(NodeProto n, int k, List<Value> in)
      throws UnsupportedModelException {
    Value x = activationInput(n, k, in, 0);
    long[] d = x.dims();
    if (d.length < 2) {
      throw refuse(n, k, "needs channels and at least one spatial dimension");
    }
    long[] od = new long[d.length];
    Arrays.fill(od, 1);
    od[0] = d[0];
    return emitValue(n, new Layer.GlobalAveragePool(), od, x.node());
  }

  private Value batchNorm(NodeProto n, int k, List<Value> in) throws UnsupportedModelException {
    Value x = activationInput(n, k, in, 0);
    if (intAttr(n, "training_mode", 0) != 0 || (opset < 7 && intAttr(n, "is_test", 0) == 0
        && hasAttr(n, "is_test"))) {
      throw refuse(n, k, "training mode: export the model in inference mode (eval())");
    }
    if (intAttr(n, "spatial", 1) != 1) {
      throw refuse(n, k, "spatial = 0 (statistics per value) is not supported");
    }
    long[] d = x.dims();
    if (d.length < 1) {
      throw refuse(n, k, "needs a channel dimension");
    }
    int channels = toInt(d[0]);
    double[][] p = new double[4][];
    String[] what = {"scale", "bias", "mean", "variance"};
    for (int j = 0; j < 4; j++) {
      p[j] = constantInput(n, k, in, j + 1, "the " + what[j]).data();
      if (p[j].length != channels) {
        throw refuse(n, k, "the " + what[j] + " has " + p[j].length + " values for " + channels
            + " channels");
      }
    }
    double eps = floatAttr(n, "epsilon", 1e-5);
    int size = (int) OnnxTensor.count(d);
    int plane = size / channels;
    double[] scale = new double[size];
    double[] shift = new double[size];
    for (int c = 0; c < channels; c++) {
      double s = p[0][c] / Math.sqrt(p[3][c] + eps);
      double t = p[1][c] - p[2][c] * s;
      Arrays.fill(scale, c * plane, (c + 1) * plane, s);
      Arrays.fill(shift, c * plane, (c + 1) * plane, t);
    }
    return emitValue(n, affine(n, k, scale, shift), d, x.node());
  }

  private Value flatten(NodeProto n, int k, List<Value> in) throws UnsupportedModelException {
    Value x = input(n, k, in, 0);
    int rank = x.dims().length + 1;
    long axis = intAttr(n, "axis", 1);
    if (axis < 0) {
      axis += rank;
    }
    if (x.isConstant()) {
      long[] d = x.dims();
      if (axis < 0 || axis > d.length) {
        throw refuse(n, k, "axis " + intAttr(n, "axis", 1) + " outside the tensor");
      }
      long first = OnnxTensor.count(Arrays.copyOfRange(d, 0, (int) axis));
      return Value.constant(new long[] {first, OnnxTensor.count(d) / Math.max(1, first)},
          x.data());
    }
    if (axis == 1 || (axis == 0 && batch == 1)) {
      return reshapeTo(n, x, new long[] {OnnxTensor.count(x.dims())});
    }
    throw refuse(n, k, "axis " + intAttr(n, "axis", 1) + " would merge the batch dimension"
        + " with the values of a sample: use axis 1");
  }

  private Value reshape(NodeProto n, int k, List<Value> in) throws UnsupportedModelException {
    Value x = input(n, k, in, 0);
    long[] target;
    if (in.size() > 1 && in.get(1) != null) {
      Value s = in.get(1);
      if (!s.isConstant()) {
        throw refuse(n, k, "the target shape depends on the input (a dynamic reshape): export"
            + " with a constant shape");
      }
      target = toLongs(s.data());
    } else {
      target = intsAttr(n, "shape");
      if (target == null) {
        throw refuse(n, k, "no target shape");
      }
    }
    boolean allowZero = intAttr(n, "allowzero", 0) != 0;
    long[] full = x.isConstant() ? x.dims() : withBatch(x.dims());
    long total = OnnxTensor.count(full);
    long[] out = target.clone();
    int infer = -1;
    long known = 1;
    for (int j = 0; j < out.length; j++) {
      if (out[j] == 0 && !allowZero) {
        if (j >= full.length) {
          throw refuse(n, k, "0 (copy) at position " + j + " beyond the input's dimensions");
        }
        out[j] = full[j];
      }
      if (out[j] == -1) {
        if (infer >= 0) {
          throw refuse(n, k, "more than one -1 in the target shape");
        }
        infer = j;
        continue;
      }
      if (out[j] < 0) {
        throw refuse(n, k, "target dimension " + out[j]);
      }
      known *= out[j];
      if (known > OnnxTensor.MAX_VALUES) {
        throw refuse(n, k, "target shape " + Arrays.toString(target) + " is too large");
      }
    }
    if (infer >= 0) {
      if (known == 0 || total % known != 0) {
        throw refuse(n, k, "cannot infer -1 in " + Arrays.toString(target));
      }
      out[infer] = total / known;
      known = total;
    }
    if (known != total) {
      throw refuse(n, k, "target shape " + Arrays.toString(target) + " holds " + known
          + " values, the input " + total);
    }
    if (x.isConstant()) {
      return Value.constant(out, x.data());
    }
    if (out.length < 1 || out[0] != Math.max(1, batch)) {
      throw refuse(n, k, "target shape " + Arrays.toString(target) + " moves values across the"
          + " batch dimension: keep the batch first (e.g. [-1, ...] or [0, ...])");
    }
    return reshapeTo(n, x, Arrays.copyOfRange(out, 1, out.length));
  }

  private Value squeeze(NodeProto n, int k, List<Value> in, boolean squeeze)
      throws UnsupportedModelException {
    Value x = input(n, k, in, 0);
    long[] axes;
    if (in.size() > 1 && in.get(1) != null) {
      axes = toLongs(constantInput(n, k, in, 1, "the axes").data());
    } else {
      axes = intsAttr(n, "axes");
    }
    long[] full = x.isConstant() ? x.dims() : withBatch(x.dims());
    List<Long> dims = new ArrayList<>();
    for (long v : full) {
      dims.add(v);
    }
    if (squeeze) {
      Set<Integer> drop = new HashSet<>();
      if (axes == null) {
        for (int j = 0; j < full.length; j++) {
          if (full[j] == 1 && (x.isConstant() || j > 0)) {
            drop.add(j);
          }
        }
      } else {
        for (long a : axes) {
          int ax = (int) (a < 0 ? a + full.length : a);
          if (ax < 0 || ax >= full.length || full[ax] != 1) {
            throw refuse(n, k, "axis " + a + " is not a dimension of size 1");
          }
          drop.add(ax);
        }
      }
      List<Long> kept = new ArrayList<>();
      for (int j = 0; j < full.length; j++) {
        if (!drop.contains(j)) {
          kept.add(full[j]);
        }
      }
      dims = kept;
    } else {
      if (axes == null) {
        throw refuse(n, k, "no axes");
      }
      int rank = full.length + axes.length;
      boolean[] inserted = new boolean[rank];
      for (long a : axes) {
        int ax = (int) (a < 0 ? a + rank : a);
        if (ax < 0 || ax >= rank || inserted[ax]) {
          throw refuse(n, k, "axis " + a + " is outside the output or repeated");
        }
        inserted[ax] = true;
      }
      List<Long> grown = new ArrayList<>();
      int src = 0;
      for (int j = 0; j < rank; j++) {
        grown.add(inserted[j] ? 1L : full[src++]);
      }
      dims = grown;
    }
    long[] out = dims.stream().mapToLong(Long::longValue).toArray();
    if (x.isConstant()) {
      return Value.constant(out, x.data());
    }
    if (out.length < 1 || out[0] != full[0] || (squeeze ? false : inserted0(axes, out.length))) {
      throw refuse(n, k, "would move the batch dimension: squeeze or unsqueeze only the"
          + " dimensions of a sample");
    }
    return reshapeTo(n, x, Arrays.copyOfRange(out, 1, out.length));
  }

  private static boolean inserted0(long[] axes, int rank) {
    for (long a : axes) {
      if (a == 0 || a + rank == 0) {
        return true;
      }
    }
    return false;
  }

  private Value shape(NodeProto n, int k, List<Value> in) throws UnsupportedModelException {
    Value x = input(n, k, in, 0);
    // a symbolic batch counts as 1: the network computes one sample at a time
    long[] full = x.isConstant() ? x.dims() : withBatch(x.dims());
    int r = full.length;
    long start = intAttr(n, "start", 0);
    long end = intAttr(n, "end", r);
    start = Math.max(0, Math.min(r, start < 0 ? start + r : start));
    end = Math.max(0, Math.min(r, end < 0 ? end + r : end));
    int len = (int) Math.max(0, end - start);
    double[] v = new double[len];
    for (int j = 0; j < len; j++) {
      v[j] = full[(int) start + j];
    }
    return Value.constant(new long[] {len}, v);
  }

  private Value cast(NodeProto n, int k, List<Value> in) throws UnsupportedModelException {
    Value x = input(n, k, in, 0);
    int to = (int) intAttr(n, "to", 0);
    boolean real = to == OnnxTensor.FLOAT || to == OnnxTensor.DOUBLE;
    if (!x.isConstant()) {
      if (!real) {
        throw refuse(n, k, "a cast of the activation to " + OnnxTensor.typeName(to)
            + ": Veil computes on real numbers");
      }
      return x;
    }
    return switch (to) {
      case OnnxTensor.FLOAT -> map(x, v -> (float) v);
      case OnnxTensor.DOUBLE -> x;
      case OnnxTensor.BOOL -> map(x, v -> v != 0 ? 1 : 0);
      case 2, 3, 4, 5, OnnxTensor.INT32, OnnxTensor.INT64, 12, 13 -> map(x, v -> (double) (long) v);
      default -> throw refuse(n, k, "a cast to " + OnnxTensor.typeName(to));
    };
  }

  /**
   * Values of {@code x} picked by {@code src} (an index into x's values for each output value):
   * a constant folded, or a selection of the activation as a dense layer (the identity kept).
   */
  private Value select(NodeProto n, int k, Value x, long[] od, int[] src)
      throws UnsupportedModelException {
    if (x.isConstant()) {
      double[] v = new double[src.length];
      for (int o = 0; o < src.length; o++) {
        v[o] = x.data()[src[o]];
      }
      return Value.constant(od, v);
    }
    boolean identity = src.length == OnnxTensor.count(x.dims());
    for (int o = 0; o < src.length && identity; o++) {
      identity = src[o] == o;
    }
    if (identity) {
      return reshapeTo(n, x, od);
    }
    double[][] rows = new double[src.length][];
    for (int o = 0; o < src.length; o++) {
      rows[o] = new double[] {src[o], 1};
    }
    return dense(n, k, x, od, rows, new double[src.length]);
  }

  private Value slice(NodeProto n, int k, List<Value> in) throws UnsupportedModelException {
    Value x = input(n, k, in, 0);
    long[] starts;
    long[] ends;
    long[] axes;
    long[] steps = null;
    if (opset >= 10) {
      starts = toLongs(constantInput(n, k, in, 1, "starts").data());
      ends = toLongs(constantInput(n, k, in, 2, "ends").data());
      axes = in.size() > 3 && in.get(3) != null
          ? toLongs(constantInput(n, k, in, 3, "axes").data()) : null;
      steps = in.size() > 4 && in.get(4) != null
          ? toLongs(constantInput(n, k, in, 4, "steps").data()) : null;
    } else {
      starts = intsAttr(n, "starts");
      ends = intsAttr(n, "ends");
      axes = intsAttr(n, "axes");
    }
    long[] full = x.isConstant() ? x.dims() : withBatch(x.dims());
    int r = full.length;
    if (starts == null || ends == null || starts.length != ends.length) {
      throw refuse(n, k, "starts and ends must have one value per sliced axis");
    }
    if (axes == null) {
      axes = new long[starts.length];
      for (int j = 0; j < axes.length; j++) {
        axes[j] = j;
      }
    }
    if (axes.length != starts.length || (steps != null && steps.length != starts.length)) {
      throw refuse(n, k, "axes and steps must have one value per sliced axis");
    }
    long[] from = new long[r];
    long[] step = new long[r];
    long[] od = full.clone();
    Arrays.fill(step, 1);
    boolean[] seen = new boolean[r];
    for (int j = 0; j < axes.length; j++) {
      int ax = (int) (axes[j] < 0 ? axes[j] + r : axes[j]);
      if (ax < 0 || ax >= r || seen[ax]) {
        throw refuse(n, k, "axis " + axes[j] + " outside the tensor or repeated");
      }
      seen[ax] = true;
      long d = full[ax];
      long st = steps == null ? 1 : steps[j];
      if (st == 0) {
        throw refuse(n, k, "step 0");
      }
      long a = starts[j] < 0 ? starts[j] + d : starts[j];
      long b = ends[j] < 0 ? ends[j] + d : ends[j];
      if (st > 0) {
        a = Math.max(0, Math.min(d, a));
        b = Math.max(0, Math.min(d, b));
      } else {
        a = Math.max(0, Math.min(d - 1, a));
        b = Math.max(-1, Math.min(d - 1, b));
      }
      long len = st > 0 ? Math.max(0, (b - a + st - 1) / st) : Math.max(0, (a - b - st - 1) / -st);
      if (len < 1) {
        throw refuse(n, k, "the slice of axis " + axes[j] + " is empty");
      }
      from[ax] = a;
      step[ax] = st;
      od[ax] = len;
    }
    if (!x.isConstant() && (od[0] != full[0] || from[0] != 0 || step[0] != 1)) {
      throw refuse(n, k, "slicing the batch dimension is not supported");
    }
    int lo = x.isConstant() ? 0 : 1;
    long[] d = Arrays.copyOfRange(full, lo, r);
    long[] outDims = Arrays.copyOfRange(od, lo, r);
    long[] st = strides(d);
    long total = OnnxTensor.count(outDims);
    int[] src = new int[(int) total];
    for (int o = 0; o < total; o++) {
      long[] c = coords(o, outDims);
      long i = 0;
      for (int j = 0; j < d.length; j++) {
        i += (from[j + lo] + c[j] * step[j + lo]) * st[j];
      }
      src[o] = (int) i;
    }
    return select(n, k, x, outDims, src);
  }

  private Value gather(NodeProto n, int k, List<Value> in) throws UnsupportedModelException {
    Value x = input(n, k, in, 0);
    Value idx = constantInput(n, k, in, 1, "the indices");
    long[] full = x.isConstant() ? x.dims() : withBatch(x.dims());
    int r = full.length;
    long axis = intAttr(n, "axis", 0);
    int ax = (int) (axis < 0 ? axis + r : axis);
    if (ax < 0 || ax >= r) {
      throw refuse(n, k, "axis " + axis + " outside the tensor");
    }
    if (!x.isConstant() && ax == 0) {
      throw refuse(n, k, "gathering along the batch dimension is not supported");
    }
    int lo = x.isConstant() ? 0 : 1;
    long[] d = Arrays.copyOfRange(full, lo, r);
    int a = ax - lo;
    long[] id = idx.dims();
    long[] od = new long[d.length - 1 + id.length];
    System.arraycopy(d, 0, od, 0, a);
    System.arraycopy(id, 0, od, a, id.length);
    System.arraycopy(d, a + 1, od, a + id.length, d.length - a - 1);
    long total = OnnxTensor.count(od);
    if (total > Shape.MAX_SIZE) {
      throw refuse(n, k, "the gathered tensor is too large");
    }
    long[] st = strides(d);
    long inner = 1;
    for (int j = a + 1; j < d.length; j++) {
      inner *= d[j];
    }
    int nIdx = idx.data().length;
    int[] src = new int[(int) total];
    for (int o = 0; o < total; o++) {
      long outer = o / (nIdx * inner);
      long rest = o % (nIdx * inner);
      long which = rest / inner;
      long in0 = rest % inner;
      long v = (long) idx.data()[(int) which];
      if (v < 0) {
        v += d[a];
      }
      if (v < 0 || v >= d[a]) {
        throw refuse(n, k, "index " + (long) idx.data()[(int) which] + " outside [0, " + d[a]
            + ")");
      }
      src[o] = (int) (outer * d[a] * inner + v * st[a] + in0);
    }
    return select(n, k, x, od, src);
  }

  private Value concat(NodeProto n, int k, List<Value> in) throws UnsupportedModelException {
    if (in.isEmpty()) {
      throw refuse(n, k, "no inputs");
    }
    boolean constant = true;
    for (int j = 0; j < in.size(); j++) {
      constant &= input(n, k, in, j).isConstant();
    }
    List<long[]> dims = new ArrayList<>();
    for (Value v : in) {
      // constants have every dimension, activations one sample's
      dims.add(v.isConstant() ? v.dims() : withBatch(v.dims()));
    }
    int r = dims.get(0).length;
    long axis = intAttr(n, "axis", 0);
    int ax = (int) (axis < 0 ? axis + r : axis);
    if (ax < 0 || ax >= r) {
      throw refuse(n, k, "axis " + axis + " outside the tensor");
    }
    if (!constant && ax == 0) {
      throw refuse(n, k, "concatenating along the batch dimension is not supported");
    }
    long[] od = dims.get(0).clone();
    od[ax] = 0;
    for (int j = 0; j < in.size(); j++) {
      long[] dj = dims.get(j);
      if (dj.length != r) {
        throw refuse(n, k, "inputs of different ranks (a constant must have the batch"
            + " dimension too)");
      }
      for (int a = 0; a < r; a++) {
        if (a != ax && dj[a] != od[a]) {
          throw refuse(n, k, "inputs of dimensions " + Arrays.toString(dims.get(0)) + " and "
              + Arrays.toString(dj) + " do not concatenate along axis " + axis);
        }
      }
      od[ax] += dj[ax];
    }
    long inner = 1;
    for (int a = ax + 1; a < r; a++) {
      inner *= od[a];
    }
    long total = OnnxTensor.count(od);
    if (total > Shape.MAX_SIZE) {
      throw refuse(n, k, "the concatenation is too large");
    }
    // where each input's values go: output index of value i of input j
    if (constant) {
      double[] v = new double[(int) total];
      long offset = 0;
      for (int j = 0; j < in.size(); j++) {
        long len = dims.get(j)[ax];
        double[] data = in.get(j).data();
        for (int i = 0; i < data.length; i++) {
          long o1 = i / (len * inner);
          long rest = i % (len * inner);
          v[(int) (o1 * od[ax] * inner + offset * inner + rest)] = data[i];
        }
        offset += len;
      }
      return Value.constant(od, v);
    }
    long[] sample = Arrays.copyOfRange(od, 1, r);
    long perSample = total / od[0];
    double[] bias = new double[(int) perSample];
    Value acc = null;
    long offset = 0;
    for (int j = 0; j < in.size(); j++) {
      Value v = in.get(j);
      long len = dims.get(j)[ax];
      long size = OnnxTensor.count(dims.get(j)) / od[0];
      double[][] rows = new double[(int) perSample][];
      Arrays.fill(rows, new double[0]);
      for (long i = 0; i < size; i++) {
        long o1 = i / (len * inner);
        long rest = i % (len * inner);
        int o = (int) (o1 * od[ax] * inner + offset * inner + rest);
        if (v.isConstant()) {
          if (dims.get(j)[0] != 1) {
            throw refuse(n, k, "a constant that varies across the batch");
          }
          bias[o] = v.data()[(int) i];
        } else {
          rows[o] = new double[] {i, 1};
        }
      }
      offset += len;
      if (!v.isConstant()) {
        Value part = dense(n, k, v, sample, rows, new double[(int) perSample]);
        acc = acc == null ? part : emitValue(n, new Layer.Add(), sample, acc.node(),
            part.node());
      }
    }
    boolean shifted = false;
    for (double b : bias) {
      shifted |= b != 0;
    }
    if (!shifted) {
      return acc;
    }
    double[] ones = new double[(int) perSample];
    Arrays.fill(ones, 1);
    return emitValue(n, new Layer.Affine(ones, finite(n, k, bias)), sample, acc.node());
  }

  /** Row-major strides of dimensions {@code d}. */
  private static long[] strides(long[] d) {
    long[] st = new long[d.length];
    long s = 1;
    for (int j = d.length - 1; j >= 0; j--) {
      st[j] = s;
      s *= d[j];
    }
    return st;
  }

  /** Coordinates of row-major index {@code i} in dimensions {@code d}. */
  private static long[] coords(long i, long[] d) {
    long[] c = new long[d.length];
    for (int j = d.length - 1; j >= 0; j--) {
      c[j] = i % d[j];
      i /= d[j];
    }
    return c;
  }

  /**
   * A linear map of a sample as a {@link Layer.Dense}: {@code weights[o]} lists (input index,
   * weight) pairs of output o, flattened; refused above {@link #MAX_EXPANDED_WEIGHTS}.
   */
  private Value dense(NodeProto n, int k, Value x, long[] od, double[][] rows, double[] bias)
      throws UnsupportedModelException {
    long ins = OnnxTensor.count(x.dims());
    long outs = OnnxTensor.count(od);
    if (ins * outs > MAX_EXPANDED_WEIGHTS) {
      throw refuse(n, k, "as a dense layer it needs " + ins + " x " + outs + " weights, more"
          + " than " + MAX_EXPANDED_WEIGHTS + ": reshape the model so it is not needed");
    }
    double[] w = new double[(int) (ins * outs)];
    for (int o = 0; o < outs; o++) {
      for (int j = 0; j + 1 < rows[o].length; j += 2) {
        w[(int) (o * ins + (long) rows[o][j])] += rows[o][j + 1];
      }
    }
    return emitValue(n, new Layer.Dense((int) outs, (int) ins, w, bias), od, x.node());
  }

  private Value transpose(NodeProto n, int k, List<Value> in) throws UnsupportedModelException {
    Value x = input(n, k, in, 0);
    long[] full = x.isConstant() ? x.dims() : withBatch(x.dims());
    long[] perm = intsAttr(n, "perm");
    if (perm == null) {
      perm = new long[full.length];
      for (int j = 0; j < perm.length; j++) {
        perm[j] = full.length - 1 - j;
      }
    }
    boolean[] seen = new boolean[full.length];
    if (perm.length != full.length) {
      throw refuse(n, k, "perm " + Arrays.toString(perm) + " for " + full.length
          + " dimensions");
    }
    for (long p : perm) {
      if (p < 0 || p >= full.length || seen[(int) p]) {
        throw refuse(n, k, "perm " + Arrays.toString(perm) + " is not a permutation");
      }
      seen[(int) p] = true;
    }
    if (!x.isConstant() && perm[0] != 0) {
      throw refuse(n, k, "perm " + Arrays.toString(perm) + " moves the batch dimension");
    }
    int lo = x.isConstant() ? 0 : 1;
    long[] d = x.isConstant() ? full : x.dims();
    long[] od = new long[d.length];
    int[] p = new int[d.length];
    for (int j = 0; j < d.length; j++) {
      p[j] = (int) perm[j + lo] - lo;
      od[j] = d[p[j]];
    }
    long[] st = strides(d);
    int size = (int) OnnxTensor.count(d);
    int[] src = new int[size];
    boolean identity = true;
    for (int o = 0; o < size; o++) {
      long[] c = coords(o, od);
      long i = 0;
      for (int j = 0; j < d.length; j++) {
        i += c[j] * st[p[j]];
      }
      src[o] = (int) i;
      identity &= src[o] == o;
    }
    if (x.isConstant()) {
      double[] v = new double[size];
      for (int o = 0; o < size; o++) {
        v[o] = x.data()[src[o]];
      }
      return Value.constant(od, v);
    }
    if (identity) {
      return reshapeTo(n, x, od);
    }
    double[][] rows = new double[size][];
    for (int o = 0; o < size; o++) {
      rows[o] = new double[] {src[o], 1};
    }
    return dense(n, k, x, od, rows, new double[size]);
  }

  private Value pad(NodeProto n, int k, List<Value> in) throws UnsupportedModelException {
    Value x = activationInput(n, k, in, 0);
    long[] full = withBatch(x.dims());
    long[] pads;
    double value;
    if (opset >= 11) {
      pads = toLongs(constantInput(n, k, in, 1, "the pads").data());
      value = in.size() > 2 && in.get(2) != null
          ? constantInput(n, k, in, 2, "the constant value").data()[0] : 0;
      if (in.size() > 3 && in.get(3) != null) {
        throw refuse(n, k, "padding only some axes (the axes input) is not supported");
      }
    } else {
      pads = intsAttr(n, "pads");
      value = floatAttr(n, "value", 0);
    }
    String mode = stringAttr(n, "mode", "constant");
    if (pads == null || pads.length != 2 * full.length) {
      throw refuse(n, k, "pads must give " + 2 * full.length + " values");
    }
    if (pads[0] != 0 || pads[full.length] != 0) {
      throw refuse(n, k, "padding the batch dimension is not supported");
    }
    if (!mode.equals("constant") && !mode.equals("edge") && !mode.equals("reflect")) {
      throw refuse(n, k, "mode '" + mode + "' is not one of constant, edge, reflect");
    }
    long[] d = x.dims();
    long[] od = new long[d.length];
    for (int j = 0; j < d.length; j++) {
      od[j] = d[j] + pads[j + 1] + pads[j + 1 + full.length];
      if (od[j] < 1 || (mode.equals("reflect") && (pads[j + 1] >= d[j]
          || pads[j + 1 + full.length] >= d[j]))) {
        throw refuse(n, k, "pads " + Arrays.toString(pads) + " do not fit the input "
            + Arrays.toString(full));
      }
    }
    long outs = OnnxTensor.count(od);
    if (outs > Shape.MAX_SIZE) {
      throw refuse(n, k, "the padded sample is too large");
    }
    long[] st = strides(d);
    double[][] rows = new double[(int) outs][];
    double[] bias = new double[(int) outs];
    for (int o = 0; o < outs; o++) {
      long[] c = coords(o, od);
      long i = 0;
      boolean inside = true;
      for (int j = 0; j < d.length; j++) {
        long cj = c[j] - pads[j + 1];
        if (cj < 0 || cj >= d[j]) {
          if (mode.equals("edge")) {
            cj = cj < 0 ? 0 : d[j] - 1;
          } else if (mode.equals("reflect")) {
            cj = cj < 0 ? -cj : 2 * (d[j] - 1) - cj;
          } else {
            inside = false;
          }
        }
        i += cj * st[j];
      }
      rows[o] = inside ? new double[] {i, 1} : new double[0];
      bias[o] = inside ? 0 : value;
    }
    return dense(n, k, x, od, rows, finite(n, k, bias));
  }

  private Value reduce(NodeProto n, int k, List<Value> in, boolean mean)
      throws UnsupportedModelException {
    Value x = activationInput(n, k, in, 0);
    long[] full = withBatch(x.dims());
    long[] axes = intsAttr(n, "axes");
    if (in.size() > 1 && in.get(1) != null) {
      axes = toLongs(constantInput(n, k, in, 1, "the axes").data());
    }
    boolean keep = intAttr(n, "keepdims", 1) != 0;
    boolean[] reduced = new boolean[full.length];
    if (axes == null || axes.length == 0) {
      if (intAttr(n, "noop_with_empty_axes", 0) != 0) {
        return x;
      }
      throw refuse(n, k, "reducing over every axis includes the batch dimension");
    }
    for (long a : axes) {
      int ax = (int) (a < 0 ? a + full.length : a);
      if (ax < 0 || ax >= full.length) {
        throw refuse(n, k, "axis " + a + " outside the tensor");
      }
      if (ax == 0) {
        throw refuse(n, k, "reducing over the batch dimension is not supported");
      }
      reduced[ax] = true;
    }
    long[] d = x.dims();
    List<Long> kept = new ArrayList<>();
    long[] keptDims = new long[d.length];
    long count = 1;
    for (int j = 0; j < d.length; j++) {
      keptDims[j] = reduced[j + 1] ? 1 : d[j];
      if (reduced[j + 1]) {
        count *= d[j];
      }
      if (keep || !reduced[j + 1]) {
        kept.add(keptDims[j]);
      }
    }
    long[] od = kept.stream().mapToLong(Long::longValue).toArray();
    boolean spatial = d.length >= 2 && !reduced[1];
    for (int j = 2; j <= d.length; j++) {
      spatial &= reduced[j];
    }
    if (mean && spatial) {
      return reshapeTo(n, emitValue(n, new Layer.GlobalAveragePool(), keptDims, x.node()), od);
    }
    long ins = OnnxTensor.count(d);
    long outs = OnnxTensor.count(keptDims);
    long[] ost = strides(keptDims);
    List<List<Double>> lists = new ArrayList<>();
    for (long o = 0; o < outs; o++) {
      lists.add(new ArrayList<>());
    }
    if (ins * outs > MAX_EXPANDED_WEIGHTS) {
      throw refuse(n, k, "as a dense layer it needs " + ins + " x " + outs + " weights, more"
          + " than " + MAX_EXPANDED_WEIGHTS);
    }
    for (long i = 0; i < ins; i++) {
      long[] c = coords(i, d);
      long o = 0;
      for (int j = 0; j < d.length; j++) {
        o += (reduced[j + 1] ? 0 : c[j]) * ost[j];
      }
      lists.get((int) o).add((double) i);
      lists.get((int) o).add(mean ? 1.0 / count : 1.0);
    }
    double[][] rows = new double[(int) outs][];
    for (int o = 0; o < outs; o++) {
      rows[o] = lists.get(o).stream().mapToDouble(Double::doubleValue).toArray();
    }
    return dense(n, k, x, od, rows, new double[(int) outs]);
  }

  private Value softmax(NodeProto n, int k, List<Value> in, String graphOutput)
      throws UnsupportedModelException {
    Value x = activationInput(n, k, in, 0);
    if (!n.getOutput(0).equals(graphOutput)) {
      throw refuse(n, k, "only the model's last operation may be a softmax (applied after"
          + " decryption)");
    }
    long[] full = withBatch(x.dims());
    long axis = intAttr(n, "axis", opset < 13 ? 1 : -1);
    if (axis < 0) {
      axis += full.length;
    }
    if (axis < 0 || axis >= full.length) {
      throw refuse(n, k, "axis " + intAttr(n, "axis", 1) + " outside the tensor");
    }
    if (axis == 0) {
      throw refuse(n, k, "a softmax across the batch dimension is not supported");
    }
    // which dimensions the softmax runs over: opset < 13 flattens from axis on, 13+ one axis
    for (int j = 1; j < full.length; j++) {
      boolean reduced = opset < 13 ? j >= axis : j == axis;
      if (!reduced && full[j] != 1) {
        throw refuse(n, k, "a softmax over part of a sample (axis " + axis + " of "
            + Arrays.toString(full) + "): Veil applies it to the whole output; flatten first");
      }
    }
    output = n.getOpType().equals("Softmax") ? Network.Output.SOFTMAX
        : Network.Output.LOG_SOFTMAX;
    return x;
  }

  // ---- constants and broadcasting ----

  private Value map(Value x, DoubleUnaryOperator f) {
    double[] v = x.data().clone();
    for (int j = 0; j < v.length; j++) {
      v[j] = f.applyAsDouble(v[j]);
    }
    return Value.constant(x.dims(), v);
  }

  /** Numpy-style broadcasting of two constants. */
  private Value broadcast(NodeProto n, int k, Value a, Value b, DoubleBinaryOperator f)
      throws UnsupportedModelException {
    long[] ad = a.dims();
    long[] bd = b.dims();
    int rank = Math.max(ad.length, bd.length);
    long[] od = new long[rank];
    for (int j = 0; j < rank; j++) {
      long x = dimFromRight(ad, rank - 1 - j);
      long y = dimFromRight(bd, rank - 1 - j);
      if (x != y && x != 1 && y != 1) {
        throw refuse(n, k, "dimensions " + Arrays.toString(ad) + " and " + Arrays.toString(bd)
            + " do not broadcast");
      }
      od[j] = x == 1 ? y : x;
    }
    long total = OnnxTensor.count(od);
    if (total > OnnxTensor.MAX_VALUES) {
      throw refuse(n, k, "a constant of more than " + OnnxTensor.MAX_VALUES + " values");
    }
    double[] out = new double[(int) total];
    double[] av = a.data();
    double[] bv = b.data();
    for (int j = 0; j < out.length; j++) {
      out[j] = f.applyAsDouble(av[sourceIndex(j, od, ad)], bv[sourceIndex(j, od, bd)]);
    }
    return Value.constant(od, out);
  }

  private static long dimFromRight(long[] d, int fromRight) {
    int j = d.length - 1 - fromRight;
    return j >= 0 ? d[j] : 1;
  }

  /** The index in a tensor of dimensions {@code src} of output value j (dimensions out). */
  private static int sourceIndex(int j, long[] out, long[] src) {
    int index = 0;
    int stride = 1;
    int rem = j;
    for (int axis = out.length - 1; axis >= 0; axis--) {
      int coord = (int) (rem % out[axis]);
      rem /= (int) out[axis];
      int s = axis - (out.length - src.length);
      if (s >= 0) {
        if (src[s] != 1) {
          index += coord * stride;
        }
        stride *= (int) src[s];
      }
    }
    return index;
  }

  /**
   * A constant broadcast against an activation of sample dimensions {@code dims} (batch before
   * them): one value per value of the sample. Refused if the constant would enlarge the
   * activation or differ between the samples of a batch.
   */
  private double[] broadcastConstant(NodeProto n, int k, Value c, long[] dims)
      throws UnsupportedModelException {
    long[] cd = c.dims();
    long[] full = withBatch(dims);
    if (cd.length > full.length) {
      throw refuse(n, k, "a constant of dimensions " + Arrays.toString(cd)
          + " has more dimensions than the activation " + Arrays.toString(full));
    }
    for (int j = 0; j < cd.length; j++) {
      long a = full[full.length - cd.length + j];
      int axis = full.length - cd.length + j;
      if (cd[j] != 1 && (cd[j] != a || axis == 0)) {
        throw refuse(n, k, "a constant of dimensions " + Arrays.toString(cd)
            + " does not broadcast onto the activation " + Arrays.toString(full)
            + (axis == 0 ? " without varying across the batch" : " without enlarging it"));
      }
    }
    long size = OnnxTensor.count(dims);
    double[] out = new double[(int) size];
    double[] cv = c.data();
    for (int j = 0; j < out.length; j++) {
      out[j] = cv[sourceIndex(j, dims, cd.length == full.length
          ? Arrays.copyOfRange(cd, 1, cd.length) : cd)];
    }
    return out;
  }

  // ---- emitting layers ----

  private long[] withBatch(long[] dims) {
    long[] full = new long[dims.length + 1];
    full[0] = Math.max(1, batch);
    System.arraycopy(dims, 0, full, 1, dims.length);
    return full;
  }

  /** The {@link Shape} of a sample of dimensions {@code dims} (see the class comment). */
  static Shape shapeOf(long[] dims) {
    if (dims.length == 0) {
      return Shape.vector(1);
    }
    if (dims.length == 1) {
      return Shape.vector(toInt(dims[0]));
    }
    long middle = 1;
    for (int j = 1; j < dims.length - 1; j++) {
      middle *= dims[j];
    }
    return new Shape(toInt(dims[0]), toInt(middle), toInt(dims[dims.length - 1]));
  }

  private Value reshapeTo(NodeProto n, Value x, long[] dims) {
    if (shapeOf(dims).equals(shapeOf(x.dims()))) {
      return Value.activation(dims, x.node());
    }
    return emitValue(n, new Layer.Reshape(shapeOf(dims)), dims, x.node());
  }

  private void emitReshape(String name, Value x, long[] dims) {
    emit(name, new Layer.Reshape(shapeOf(dims)), x.node());
  }

  private Value emitValue(NodeProto n, Layer layer, long[] dims, int... inputs) {
    int index = emit(name(n), layer, inputs);
    Shape want = shapeOf(dims);
    if (!shapes.get(index).equals(want)) {
      index = emit(name(n) + "/reshape", new Layer.Reshape(want), index);
    }
    return Value.activation(dims, index);
  }

  private int emit(String name, Layer layer, int... inputs) {
    Shape[] in = new Shape[inputs.length];
    for (int j = 0; j < inputs.length; j++) {
      in[j] = inputs[j] == Network.INPUT ? inputShape : shapes.get(inputs[j]);
    }
    Shape out;
    try {
      out = layer.outputShape(in);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("node " + name + ": " + e.getMessage(), e);
    }
    nodes.add(new Network.Node(name, layer, inputs));
    shapes.add(out);
    return nodes.size() - 1;
  }

  private static String name(NodeProto n) {
    return !n.getName().isEmpty() ? n.getName() : n.getOpType() + "->" + n.getOutput(0);
  }

  private UnsupportedModelException refuse(NodeProto n, int k, String reason) {
    String where = !n.getName().isEmpty() ? n.getName()
        : "#" + k + (n.getOutputCount() > 0 ? ", output " + n.getOutput(0) : "");
    return new UnsupportedModelException(n.getOpType(), where, reason);
  }

  // ---- attributes ----

  private static AttributeProto attr(NodeProto n, String name) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a;
      }
    }
    return null;
  }

  private static boolean hasAttr(NodeProto n, String name) {
    return attr(n, name) != null;
  }

  private static long intAttr(NodeProto n, String name, long otherwise) {
    AttributeProto a = attr(n, name);
    return a == null ? otherwise : a.getI();
  }

  private static double floatAttr(NodeProto n, String name, double otherwise) {
    AttributeProto a = attr(n, name);
    return a == null ? otherwise : a.getF();
  }

  private static String stringAttr(NodeProto n, String name, String otherwise) {
    AttributeProto a = attr(n, name);
    return a == null ? otherwise : a.getS().toStringUtf8();
  }

  private static long[] intsAttr(NodeProto n, String name) {
    AttributeProto a = attr(n, name);
    return a == null ? null : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
  }

  private static long[] toLongs(double[] v) {
    long[] r = new long[v.length];
    for (int j = 0; j < v.length; j++) {
      r[j] = (long) v[j];
    }
    return r;
  }

  private static int toInt(long v) {
    if (v < 0 || v > Shape.MAX_SIZE) {
      throw new IllegalArgumentException("dimension " + v + " outside [0, " + Shape.MAX_SIZE
          + "]");
    }
    return (int) v;
  }

  private int positiveInt(NodeProto n, int k, long v, String what)
      throws UnsupportedModelException {
    if (v < 1 || v > Shape.MAX_SIZE) {
      throw refuse(n, k, what + " " + v + " must be at least 1");
    }
    return (int) v;
  }

  private int nonNegativeInt(NodeProto n, int k, long v, String what)
      throws UnsupportedModelException {
    if (v < 0 || v > Shape.MAX_SIZE) {
      throw refuse(n, k, "negative " + what + " " + v + " is not supported");
    }
    return (int) v;
  }

  private double[] finite(NodeProto n, int k, double[] v) throws UnsupportedModelException {
    for (double d : v) {
      if (!Double.isFinite(d)) {
        throw refuse(n, k, "a weight that is not finite (" + d + ")");
      }
    }
    return v;
  }

  // ---- bounded reads ----

  /** The bytes of a file of at most {@code max} bytes, refused (naming it) if larger. */
  static byte[] readBounded(Path file, long max, String what)
      throws IOException, UnsupportedModelException {
    long size = Files.size(file);
    if (size > max) {
      throw new UnsupportedModelException(file + ": " + what + " of " + size + " bytes, more"
          + " than the " + max + " Veil reads");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return readBounded(in, max, what + " " + file);
    }
  }

  /** At most {@code max} bytes of a stream, refused if it holds more. */
  static byte[] readBounded(InputStream in, long max, String what)
      throws IOException, UnsupportedModelException {
    byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max));
    if (in.read() >= 0) {
      throw new UnsupportedModelException(what + " is larger than the " + max
          + " bytes Veil reads");
    }
    return bytes;
  }
}
