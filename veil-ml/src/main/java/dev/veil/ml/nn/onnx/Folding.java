package dev.veil.ml.nn.onnx;

import java.util.ArrayList;
import java.util.List;

import dev.veil.ml.nn.Layer;
import dev.veil.ml.nn.Network;
import dev.veil.ml.nn.Shape;

/**
 * Simplifies an imported node list without changing what it computes (beyond rounding): an
 * {@link Layer.Affine} whose input is a {@link Layer.Conv2d} (with one scale and shift per output
 * channel), a {@link Layer.Dense} or another affine layer that nothing else reads is merged into
 * it (batch normalisation and constant biases and scales cost no layer of their own), and a
 * {@link Layer.Reshape} to its input's own shape is dropped, and so is every node the output does
 * not depend on.
 */
final class Folding {
  private Folding() {}

  /** The simplified list; {@code input} is the network's input shape. */
  static List<Network.Node> fold(Shape input, List<Network.Node> nodes) {
    // affine layers first, with every node still in place (so that a reader count is the
    // count of the value the affine layer reads), then the reshapes that change nothing
    return pass(input, pass(input, live(nodes), true), false);
  }

  /** The nodes the last one depends on, in order (a SiLU leaves its sigmoid unread). */
  static List<Network.Node> live(List<Network.Node> nodes) {
    int n = nodes.size();
    boolean[] used = new boolean[n];
    used[n - 1] = true;
    for (int k = n - 1; k >= 0; k--) {
      if (used[k]) {
        for (int i : nodes.get(k).inputs()) {
          if (i != Network.INPUT) {
            used[i] = true;
          }
        }
      }
    }
    int[] map = new int[n];
    List<Network.Node> out = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      if (!used[k]) {
        continue;
      }
      Network.Node node = nodes.get(k);
      int[] ins = node.inputs();
      for (int j = 0; j < ins.length; j++) {
        ins[j] = ins[j] == Network.INPUT ? Network.INPUT : map[ins[j]];
      }
      out.add(new Network.Node(node.name(), node.layer(), ins));
      map[k] = out.size() - 1;
    }
    return out;
  }

  private static List<Network.Node> pass(Shape input, List<Network.Node> nodes,
      boolean affine) {
    int n = nodes.size();
    int[] readers = new int[n];
    for (Network.Node node : nodes) {
      for (int i : node.inputs()) {
        if (i != Network.INPUT) {
          readers[i]++;
        }
      }
    }
    List<Network.Node> out = new ArrayList<>();
    List<Shape> shapes = new ArrayList<>();
    int[] map = new int[n];
    for (int k = 0; k < n; k++) {
      Network.Node node = nodes.get(k);
      int[] ins = node.inputs();
      for (int j = 0; j < ins.length; j++) {
        ins[j] = ins[j] == Network.INPUT ? Network.INPUT : map[ins[j]];
      }
      Layer layer = node.layer();
      int src = ins[0];
      Shape inShape = src == Network.INPUT ? input : shapes.get(src);
      if (!affine && layer instanceof Layer.Reshape r && r.to().equals(inShape)
          && (k < n - 1 || src == out.size() - 1) && src != Network.INPUT) {
        map[k] = src;
        continue;
      }
      int old = node.inputs()[0];
      if (affine && layer instanceof Layer.Affine a && old != Network.INPUT
          && readers[old] == 1) {
        Network.Node prev = out.get(src);
        Layer merged = merge(prev.layer(), a, shapes.get(src));
        if (merged != null) {
          out.set(src, new Network.Node(prev.name() + "+" + node.name(), merged,
              prev.inputs()));
          map[k] = src;
          continue;
        }
      }
      Shape[] inShapes = new Shape[ins.length];
      for (int j = 0; j < ins.length; j++) {
        inShapes[j] = ins[j] == Network.INPUT ? input : shapes.get(ins[j]);
      }
      out.add(new Network.Node(node.name(), layer, ins));
      shapes.add(layer.outputShape(inShapes));
      map[k] = out.size() - 1;
    }
    return out;
  }

  /** {@code a} after {@code prev} as one layer, or null where they do not merge. */
  private static Layer merge(Layer prev, Layer.Affine a, Shape shape) {
    double[] s = a.scale();
    double[] t = a.shift();
    if (prev instanceof Layer.Affine p) {
      double[] ps = p.scale();
      double[] pt = p.shift();
      double[] ns = new double[s.length];
      double[] nt = new double[s.length];
      for (int k = 0; k < s.length; k++) {
        ns[k] = s[k] * ps[k];
        nt[k] = s[k] * pt[k] + t[k];
      }
      return new Layer.Affine(ns, nt);
    }
    if (prev instanceof Layer.Dense d) {
      double[] w = d.weights();
      double[] b = d.bias();
      for (int r = 0; r < d.outputs(); r++) {
        for (int c = 0; c < d.inputs(); c++) {
          w[r * d.inputs() + c] *= s[r];
        }
        b[r] = s[r] * b[r] + t[r];
      }
      return new Layer.Dense(d.outputs(), d.inputs(), w, b);
    }
    if (prev instanceof Layer.Conv2d c) {
      int plane = shape.height() * shape.width();
      for (int o = 0; o < c.outChannels(); o++) {
        for (int k = 1; k < plane; k++) {
          if (s[o * plane + k] != s[o * plane] || t[o * plane + k] != t[o * plane]) {
            return null;
          }
        }
      }
      double[] w = c.weights();
      double[] b = c.bias();
      int per = c.inChannels() * c.kernelH() * c.kernelW();
      for (int o = 0; o < c.outChannels(); o++) {
        double so = s[o * plane];
        for (int k = 0; k < per; k++) {
          w[o * per + k] *= so;
        }
        b[o] = so * b[o] + t[o * plane];
      }
      return new Layer.Conv2d(c.outChannels(), c.inChannels(), c.kernelH(), c.kernelW(),
          c.strideH(), c.strideW(), c.padTop(), c.padLeft(), c.padBottom(), c.padRight(), w, b);
    }
    return null;
  }
}
