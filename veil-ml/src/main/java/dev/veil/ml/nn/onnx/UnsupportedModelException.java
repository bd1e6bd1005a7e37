package dev.veil.ml.nn.onnx;

/**
 * An ONNX model (or tensor file) that Veil does not import: an operator, attribute, shape or data
 * type outside what {@link OnnxImport} supports, or a file that is not valid ONNX. The message
 * names the operator and the node where there is one, and what to use instead where something
 * can be; nothing is half-imported.
 */
public final class UnsupportedModelException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String operator;
  private final String node;

  /**
   * @param operator the ONNX operator refused, or null when the refusal is about the model as a
   *     whole (its inputs, its file)
   * @param node the node's name (or a description of where it is), null with no node
   * @param reason why, and what to use instead
   */
  public UnsupportedModelException(String operator, String node, String reason) {
    super(message(operator, node, reason));
    this.operator = operator;
    this.node = node;
  }

  /** A refusal of the model as a whole. */
  public UnsupportedModelException(String reason) {
    this(null, null, reason);
  }

  /** The operator refused, or null. */
  public String operator() {
    return operator;
  }

  /** The node's name, or null. */
  public String node() {
    return node;
  }

  private static String message(String operator, String node, String reason) {
    if (operator == null) {
      return reason;
    }
    return operator + (node == null ? "" : " (node '" + node + "')") + ": " + reason;
  }
}
