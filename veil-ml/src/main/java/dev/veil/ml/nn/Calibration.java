package dev.veil.ml.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.veil.ml.nn.Layer.Activation;
import dev.veil.ml.poly.ChebyshevSeries;

/**
 * Replaces a network's activations by polynomials fitted on calibration data, so that it can run
 * under encryption. Each {@link Activation}'s input range is measured over the exact forward
 * passes of the calibration inputs and widened by a margin about its centre; on that interval
 * the function is interpolated at the Chebyshev nodes ({@link ChebyshevSeries#interpolate},
 * within a small factor of the best polynomial of its degree in the maximum norm), and the
 * largest error on the interval is recorded in the layer.
 *
 * <p>The degree is either given, or the smallest of a list for which the polynomial network
 * predicts the same class (argmax; for a single output, its sign) as the exact network on all
 * but a {@code tolerance} fraction of the calibration inputs. Inputs outside an interval are
 * not clamped: the polynomial is extended, and diverges from the function away from it, which
 * is why the margin is there.
 */
public final class Calibration {
  /** The widening of the measured ranges used unless told otherwise. */
  public static final double DEFAULT_MARGIN = 1.2;

  /** Degrees tried, in order, when no degree is given. */
  public static final List<Integer> DEFAULT_DEGREES =
      List.of(2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);

  /** Fraction of calibration inputs whose prediction may change, unless told otherwise. */
  public static final double DEFAULT_TOLERANCE = 0.01;

  private Calibration() {}

  /**
   * How to approximate.
   *
   * @param margin the measured range is widened by this factor about its centre (at least 1)
   * @param degree a fixed degree (at least 1), or 0 to choose one from {@code degrees}
   * @param degrees candidate degrees, tried in ascending order
   * @param tolerance fraction in [0, 1) of calibration inputs whose prediction may differ
   */
  public record Options(double margin, int degree, List<Integer> degrees, double tolerance) {
    public Options {
      if (!(margin >= 1) || !Double.isFinite(margin)) {
        throw new IllegalArgumentException("margin must be a finite value >= 1, got " + margin);
      }
      if (degree < 0 || degree > 255) {
        throw new IllegalArgumentException("degree must be in [1, 255] (0: choose), got "
            + degree);
      }
      degrees = List.copyOf(degrees).stream().sorted().toList();
      if (degree == 0 && degrees.isEmpty()) {
        throw new IllegalArgumentException("no degree and no candidate degrees");
      }
      for (int d : degrees) {
        if (d < 1 || d > 255) {
          throw new IllegalArgumentException("candidate degree " + d + " outside [1, 255]");
        }
      }
      if (!(tolerance >= 0 && tolerance < 1)) {
        throw new IllegalArgumentException("tolerance must be in [0, 1), got " + tolerance);
      }
    }

    /** The defaults: margin 1.2, the smallest degree of 2..15 within 1% agreement. */
    public static Options defaults() {
      return new Options(DEFAULT_MARGIN, 0, DEFAULT_DEGREES, DEFAULT_TOLERANCE);
    }

    /** The same with a fixed degree. */
    public Options withDegree(int d) {
      return new Options(margin, d, degrees, tolerance);
    }
  }

  /**
   * One approximated activation.
   *
   * @param node its index in the network
   * @param name the node's name
   * @param function what it approximates
   * @param a left end of its interval
   * @param b right end
   * @param degree the polynomial's degree
   * @param maxError the largest {@code |f - p|} on [a, b]
   */
  public record Approximated(int node, String name, Activation.Function function, double a,
      double b, int degree, double maxError) {}

  /**
   * The outcome.
   *
   * @param network the network with every activation approximated
   * @param activations one entry per activation, in node order
   * @param agreement fraction of calibration inputs predicted alike by both networks
   * @param maxOutputError largest difference of an output between the exact and polynomial
   *     networks over the calibration inputs
   * @param met whether the agreement reaches {@code 1 - tolerance} (always true for a fixed
   *     degree)
   */
  public record Result(Network network, List<Approximated> activations, double agreement,
      double maxOutputError, boolean met) {
    public Result {
      activations = List.copyOf(activations);
    }
  }

  /**
   * Approximates every activation of {@code network} (other than a {@link
   * Activation.Function#POLYNOMIAL}) on the ranges seen over {@code inputs}.
   *
   * @throws IllegalArgumentException if there are no inputs or one has the wrong size
   */
  public static Result approximate(Network network, List<double[]> inputs, Options options) {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(options, "options");
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("calibration needs at least one input");
    }
    List<Network.Node> nodes = network.nodes();
    int n = nodes.size();
    double[] lo = new double[n];
    double[] hi = new double[n];
    java.util.Arrays.fill(lo, Double.POSITIVE_INFINITY);
    java.util.Arrays.fill(hi, Double.NEGATIVE_INFINITY);
    List<double[]> exact = new ArrayList<>();
    for (double[] x : inputs) {
      double[][] all = network.forwardAll(x, Network.Mode.EXACT);
      exact.add(all[n - 1]);
      for (int k = 0; k < n; k++) {
        if (isTarget(nodes.get(k).layer())) {
          int src = nodes.get(k).inputs()[0];
          for (double v : src == Network.INPUT ? x : all[src]) {
            lo[k] = Math.min(lo[k], v);
            hi[k] = Math.max(hi[k], v);
          }
        }
      }
    }
    if (options.degree() > 0) {
      return fit(network, inputs, exact, lo, hi, options, options.degree(), true);
    }
    Result last = null;
    for (int d : options.degrees()) {
      last = fit(network, inputs, exact, lo, hi, options, d, false);
      if (last.met()) {
        return last;
      }
      if (!hasTargets(network)) {
        break;
      }
    }
    return last;
  }

  private static boolean isTarget(Layer l) {
    return l instanceof Activation a && a.function() != Activation.Function.POLYNOMIAL;
  }

  private static boolean hasTargets(Network net) {
    return net.nodes().stream().anyMatch(node -> isTarget(node.layer()));
  }

  private static Result fit(Network network, List<double[]> inputs, List<double[]> exact,
      double[] lo, double[] hi, Options options, int degree, boolean fixed) {
    Network net = network;
    List<Approximated> report = new ArrayList<>();
    for (int k = 0; k < network.nodes().size(); k++) {
      Network.Node node = network.nodes().get(k);
      if (!isTarget(node.layer())) {
        continue;
      }
      Activation.Function f = ((Activation) node.layer()).function();
      double centre = (lo[k] + hi[k]) / 2;
      double half = (hi[k] - lo[k]) / 2 * options.margin();
      if (!(half > 1e-9 * Math.max(1, Math.abs(centre)))) {
        half = Math.max(1e-3, 1e-3 * Math.abs(centre)); // a constant input: a small interval
      }
      double a = centre - half;
      double b = centre + half;
      ChebyshevSeries p = ChebyshevSeries.interpolate(f::apply, a, b, degree);
      double err = p.maxError(f::apply);
      net = net.withLayer(k, new Activation(f, p, err));
      report.add(new Approximated(k, node.name(), f, a, b, degree, err));
    }
    int same = 0;
    double maxOut = 0;
    for (int i = 0; i < inputs.size(); i++) {
      double[] e = exact.get(i);
      double[] q = net.forward(inputs.get(i), Network.Mode.POLYNOMIAL);
      if (predict(e) == predict(q)) {
        same++;
      }
      for (int j = 0; j < e.length; j++) {
        double d = Math.abs(e[j] - q[j]);
        maxOut = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(maxOut, d);
      }
    }
    double agreement = (double) same / inputs.size();
    boolean met = fixed || agreement >= 1 - options.tolerance() - 1e-12;
    return new Result(net, report, agreement, maxOut, met);
  }

  private static int predict(double[] z) {
    return z.length == 1 ? (z[0] > 0 ? 1 : 0) : Network.argmax(z);
  }
}
