package dev.veil.cli.local;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.CliErrors;
import dev.veil.cli.core.Opts;
import dev.veil.cli.core.StandardCommand;
import dev.veil.ml.nn.Calibration;
import dev.veil.ml.nn.Layer;
import dev.veil.ml.nn.Network;
import dev.veil.ml.nn.NetworkFile;
import dev.veil.ml.nn.Shape;
import dev.veil.ml.nn.onnx.OnnxImport;
import dev.veil.ml.nn.onnx.UnsupportedModelException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code veil model import --onnx FILE [--calibration FILE] [--activation-degree D] --out FILE}:
 * an ONNX model into a Veil network file, its activations approximated by polynomials on the
 * ranges its calibration inputs reach. A refused model writes nothing and exits with 2, naming
 * the operator, the node and what to use instead.
 */
@Command(
    name = "import",
    sortOptions = false,
    description = {
      "Import an ONNX model into a Veil network file (convolutions, dense layers, average"
          + " pooling, batch normalisation, residual additions, x^2, Relu/Sigmoid/Tanh, a final"
          + " softmax). Anything else (MaxPool, grouped or dilated convolutions, dynamic shapes,"
          + " ...) is refused with the operator, the node and what to use instead; nothing is"
          + " written then.",
      "With --calibration, every activation is replaced by a Chebyshev polynomial fitted on the"
          + " range its input reaches over the calibration inputs (widened by --margin), of"
          + " degree --activation-degree or else the smallest of 2..15 that keeps the"
          + " predictions of all but --tolerance of the inputs. Without it the activations stay"
          + " exact (the network then runs only in the clear)."
    })
public final class ModelImportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--onnx", required = true, paramLabel = "FILE",
      description = "The ONNX model (model.onnx, at most 256 MiB, weights inside).")
  Path onnx;

  @Option(names = "--calibration", paramLabel = "FILE",
      description = "Calibration inputs: CSV (one input per row, values channel-major, an"
          + " optional header) or an IDX image file as MNIST's, gzip-compressed or not (pixels"
          + " / 255).")
  Path calibration;

  @Option(names = "--activation-degree", paramLabel = "D",
      description = "Degree of every activation's polynomial (default: the smallest of 2..15"
          + " within --tolerance).")
  Integer degree;

  @Option(names = "--margin", paramLabel = "M", defaultValue = "1.2",
      description = "Widening of each measured input range about its centre (default: 1.2).")
  double margin;

  @Option(names = "--tolerance", paramLabel = "T", defaultValue = "0.01",
      description = "Fraction of calibration inputs whose predicted class may change when the"
          + " degree is chosen (default: 0.01).")
  double tolerance;

  @Option(names = "--calibration-limit", paramLabel = "N", defaultValue = "1000",
      description = "Use the first N calibration inputs (default: 1000).")
  int limit;

  @Option(names = "--out", required = true, paramLabel = "FILE",
      description = "The Veil network file to write.")
  Path out;

  @Mixin StandardCommand standard;

  @Override
  public Integer call() throws IOException {
    if (degree != null) {
      if (calibration == null) {
        throw Opts.invalid(spec, "--activation-degree", "needs --calibration (the intervals"
            + " come from the calibration inputs)");
      }
      Opts.atLeast(spec, "--activation-degree", degree, 1);
      if (degree > 63) {
        throw Opts.invalid(spec, "--activation-degree", "at most 63, got " + degree);
      }
    }
    if (!(margin >= 1) || !Double.isFinite(margin)) {
      throw Opts.invalid(spec, "--margin", "must be at least 1, got " + margin);
    }
    if (!(tolerance >= 0 && tolerance < 1)) {
      throw Opts.invalid(spec, "--tolerance", "must be in [0, 1), got " + tolerance);
    }
    Opts.atLeast(spec, "--calibration-limit", limit, 1);
    Path target = Store.outputFile(out);
    Store.requireFile(onnx);
    CliContext ctx = CliContext.of(spec);
    OnnxImport.Result imported;
    try {
      imported = OnnxImport.read(onnx);
    } catch (UnsupportedModelException e) {
      throw Store.bad(onnx + ": refused: " + e.getMessage());
    }
    Network net = imported.network();
    Calibration.Result cal = null;
    if (calibration != null) {
      List<double[]> inputs = CalibrationInputs.read(calibration, net.input().size(), limit);
      Calibration.Options o = new Calibration.Options(margin, degree == null ? 0 : degree,
          Calibration.DEFAULT_DEGREES, tolerance);
      cal = Calibration.approximate(net, inputs, o);
      net = cal.network();
    }
    NetworkFile.write(net, target);
    print(ctx, net, cal);
    ctx.out().printf("written to %s%n", out);
    ctx.out().flush();
    return CliErrors.OK;
  }

  private void print(CliContext ctx, Network net, Calibration.Result cal) {
    var o = ctx.out();
    o.printf(Locale.ROOT, "imported %s: input %s, %d layer%s, %d parameters, output %s%n",
        onnx, net.input(), net.nodes().size(), net.nodes().size() == 1 ? "" : "s",
        net.parameters(),
        net.output().name().toLowerCase(Locale.ROOT).replace('_', '-'));
    List<Shape> shapes = net.shapes();
    for (int k = 0; k < net.nodes().size(); k++) {
      Network.Node n = net.nodes().get(k);
      o.printf(Locale.ROOT, "  %3d  %-24s %-44s -> %s%n", k, n.name(), describe(n.layer()),
          shapes.get(k));
    }
    int activations = 0;
    for (Network.Node n : net.nodes()) {
      if (n.layer() instanceof Layer.Activation) {
        activations++;
      }
    }
    if (activations == 0) {
      o.println("activations: none (every layer is exact under encryption)");
    } else if (cal == null) {
      o.printf("activations: %d, not approximated (give --calibration to fit their"
          + " polynomials; until then the network runs only in the clear)%n", activations);
    } else {
      o.println("activations:");
      for (Calibration.Approximated a : cal.activations()) {
        o.printf(Locale.ROOT, "  %3d  %-24s %-8s interval [%.4g, %.4g]  degree %d  max error"
            + " %.3g%n", a.node(), a.name(), a.function().id(), a.a(), a.b(), a.degree(),
            a.maxError());
      }
      o.printf(Locale.ROOT, "calibration: %s; predictions unchanged on %.2f%% of the inputs,"
          + " largest output difference %.3g%s%n", calibration, 100 * cal.agreement(),
          cal.maxOutputError(), cal.met() ? ""
              : " (below 1 - tolerance even at degree 15: widen --tolerance, or give"
                  + " --activation-degree)");
    }
  }

  private static String describe(Layer l) {
    if (l instanceof Layer.Conv2d || l instanceof Layer.Dense || l instanceof Layer.Affine) {
      return l.toString();
    }
    if (l instanceof Layer.Reshape r) {
      return "reshape to " + r.to();
    }
    if (l instanceof Layer.AveragePool p) {
      return "average-pool " + p.kernelH() + "x" + p.kernelW() + " stride " + p.strideH() + "x"
          + p.strideW();
    }
    return l.kind();
  }
}
