package dev.veil.ml.nn.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;

/** Builders of small ONNX models for the importer's tests. */
final class Onnx {
  private Onnx() {}

  /** A float tensor in raw_data. */
  static TensorProto tensor(String name, long[] dims, double... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : values) {
      b.putFloat((float) v);
    }
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(1)
        .setRawData(ByteString.copyFrom(b.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  /** An int64 tensor in int64_data (shapes). */
  static TensorProto longs(String name, long... values) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(7)
        .addDims(values.length);
    for (long v : values) {
      t.addInt64Data(v);
    }
    return t.build();
  }

  static AttributeProto ints(String name, long... v) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name)
        .setType(AttributeProto.AttributeType.INTS);
    for (long x : v) {
      a.addInts(x);
    }
    return a.build();
  }

  static AttributeProto integer(String name, long v) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT)
        .setI(v).build();
  }

  static AttributeProto text(String name, String v) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
        .setS(ByteString.copyFromUtf8(v)).build();
  }

  static AttributeProto real(String name, double v) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT)
        .setF((float) v).build();
  }

  static NodeProto node(String name, String op, List<String> in, String out,
      AttributeProto... attrs) {
    NodeProto.Builder n = NodeProto.newBuilder().setName(name).setOpType(op).addAllInput(in)
        .addOutput(out);
    for (AttributeProto a : attrs) {
      n.addAttribute(a);
    }
    return n.build();
  }

  /** A float tensor value; a null first dimension is the symbolic batch "N". */
  static ValueInfoProto value(String name, Long... dims) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (Long d : dims) {
      s.addDim(d == null ? TensorShapeProto.Dimension.newBuilder().setDimParam("N").build()
          : TensorShapeProto.Dimension.newBuilder().setDimValue(d).build());
    }
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))).build();
  }

  static ModelProto model(ValueInfoProto input, String output, List<TensorProto> inits,
      NodeProto... nodes) {
    GraphProto.Builder g = GraphProto.newBuilder().setName("test").addInput(input)
        .addOutput(value(output)).addAllInitializer(inits);
    for (NodeProto n : nodes) {
      g.addNode(n);
    }
    return ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto
        .newBuilder().setDomain("").setVersion(13)).setGraph(g).build();
  }

  /** Values rounded to float, as the model stores them. */
  static double[] f(double... v) {
    double[] r = new double[v.length];
    for (int k = 0; k < v.length; k++) {
      r[k] = (float) v[k];
    }
    return r;
  }
}
