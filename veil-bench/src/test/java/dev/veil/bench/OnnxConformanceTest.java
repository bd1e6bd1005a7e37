package dev.veil.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;

/**
 * ONNX's backend test cases (Debian's libonnx-testdata, installed by .ci/run where it can be)
 * through the importer: every case either passes (its exact forward within {@link
 * OnnxConformance#RELATIVE_TOLERANCE} of the expected output) or is refused with a reason, and
 * the operators Veil supports pass somewhere. Skipped where the package is not installed.
 */
class OnnxConformanceTest {
  static final Path DATA = Path.of(System.getProperty("veil.onnx.testdata",
      "/usr/share/libonnx-testdata/data"));

  /** Operators of which some case must pass, each with the case-name fragments that use it. */
  static final List<String[]> OPERATORS = List.of(
      new String[] {"Conv", "conv"},
      new String[] {"Gemm", "gemm", "linear"},
      new String[] {"MatMul", "matmul"},
      new String[] {"AveragePool", "averagepool", "avgpool"},
      new String[] {"GlobalAveragePool", "globalaveragepool"},
      new String[] {"BatchNormalization", "batchnorm"},
      new String[] {"Relu", "relu"},
      new String[] {"Sigmoid", "sigmoid"},
      new String[] {"Tanh", "tanh"},
      new String[] {"Softmax", "softmax"},
      new String[] {"Flatten", "flatten"},
      new String[] {"Reshape", "reshape"},
      new String[] {"Add", "add"},
      new String[] {"Mul", "mul"},
      new String[] {"Pow", "pow"});

  @Test
  void everyCaseIsPassedOrRefusedWithAReasonAndTheSupportedOperatorsPass() throws IOException {
    assumeTrue(Files.isDirectory(DATA), DATA + " is missing (apt-get install libonnx-testdata)");
    OnnxConformance.Report r = new OnnxConformance().run(DATA);
    assertThat(r.cases()).hasSizeGreaterThan(100);
    assertThat(r.failures()).as("cases that import but miss, or throw").isEmpty();
    for (OnnxConformance.Case c : r.cases()) {
      if (c.supported()) {
        assertThat(c.plainMaxError()).as(c.name()).isNotNull().isFinite();
      } else {
        assertThat(c.refusal()).as(c.name()).isNotBlank();
      }
    }
    for (String[] op : OPERATORS) {
      long passed = r.cases().stream().filter(OnnxConformance.Case::passed)
          .filter(c -> matches(c.name(), op)).count();
      assertThat(passed).as(op[0] + " cases passed").isPositive();
    }
    // refusals name their operator and node, and say what to use where there is an alternative
    OnnxConformance.Case maxPool = r.cases().stream()
        .filter(c -> c.name().equals("test_maxpool_2d_default")).findFirst().orElseThrow();
    assertThat(maxPool.supported()).isFalse();
    assertThat(maxPool.refusal()).startsWith("MaxPool (node '").contains("use AveragePool");
  }

  private static boolean matches(String name, String[] op) {
    String n = name.toLowerCase(Locale.ROOT);
    for (int k = 1; k < op.length; k++) {
      if (n.contains(op[k])) {
        return true;
      }
    }
    return false;
  }
}
