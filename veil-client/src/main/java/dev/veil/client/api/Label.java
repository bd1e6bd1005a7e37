package dev.veil.client.api;

import java.util.List;

/**
 * A label column: its name and, for class labels, the class names (the second of two positive).
 *
 * @param name the column
 * @param classes the class names, or null for a numeric label
 */
public record Label(String name, List<String> classes) {}
