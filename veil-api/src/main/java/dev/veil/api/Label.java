package dev.veil.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A label column: its name; for class labels the class names (of two, the second positive); for a
 * regression label the standardisation {@code y' = (y - offset) / scale} the owner applied.
 *
 * @param name the column
 * @param classes the class names, or null for a numeric label
 * @param offset regression only, else null
 * @param scale regression only, else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Label(String name, List<String> classes, Double offset, Double scale) {
  /** A classification label (numeric 0/1 when {@code classes} is null). */
  public Label(String name, List<String> classes) {
    this(name, classes, null, null);
  }
}
