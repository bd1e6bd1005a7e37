package dev.veil.cli.local;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.veil.ml.data.CsvReader;
import dev.veil.ml.data.Table;

/**
 * Reads the feature columns of a CSV that may lack a label column (inputs to {@code veil predict}).
 * {@link CsvReader} always reads a label, so an extra constant column is appended to every record
 * (outside quoted fields, blank lines left alone) and read as the label; any label column the
 * file has is ignored.
 */
final class Unlabelled {
  private Unlabelled() {}

  static final String DUMMY = "__veil_no_label__";

  static Table read(CsvReader reader, Path csv, String ignoredLabel) throws IOException {
    String text = Files.readString(csv, StandardCharsets.UTF_8);
    return reader.withLabel(DUMMY).withLabelType(CsvReader.LabelType.CATEGORICAL)
        .read(new StringReader(withColumn(text)), csv.getFileName().toString());
  }

  /** Appends ",DUMMY" to the header record and ",_" to every other non-blank record. */
  static String withColumn(String text) {
    StringBuilder out = new StringBuilder(text.length() + 1024);
    boolean quoted = false;
    boolean content = false;
    boolean header = true;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      }
      boolean eol = !quoted && (c == '\n' || (c == '\r' && i + 1 < text.length()
          && text.charAt(i + 1) == '\n'));
      if (eol) {
        if (content) {
          out.append(header ? "," + DUMMY : ",_");
          header = false;
        }
        content = false;
      } else if (c != '\n' && c != '\r' && c != ' ' && c != '\t' && c != '\uFEFF') {
        content = true;
      }
      out.append(c);
    }
    if (content) {
      out.append(header ? "," + DUMMY : ",_");
    }
    return out.toString();
  }
}
